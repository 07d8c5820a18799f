"""Induction for new starters: a guided tour of the Compact and the Covenant, a short quiz,
each person's progress, and the managers' report. Channel-neutral: adapters render the views
in ``views`` and send back the actions they carry."""
