"""The claim that answers each delivery once, for any channel's delivery ids."""

from __future__ import annotations

from datetime import timedelta

from bot.chat.delivery_claims import KEY_LENGTH, DeliveryClaims
from bot.storage.database import Database
from bot.storage.interaction_log import utc_now


def test_each_delivery_is_won_once_per_channel(database: Database) -> None:
    slack = DeliveryClaims(database, utc_now)
    teams = DeliveryClaims(database, utc_now, namespace="teams:")
    assert slack.won("Ev1")
    assert not slack.won("Ev1")
    assert teams.won("Ev1"), "another channel's id of the same text is another delivery"
    assert not teams.won("Ev1")
    long_id = "f:" + "x" * 200  # longer than the column: hashed into it
    assert len(teams.key(long_id)) <= KEY_LENGTH
    assert teams.won(long_id)
    assert not teams.won(long_id)


def test_early_claims_are_read_late(database: Database) -> None:
    claims = DeliveryClaims(database, utc_now, namespace="teams:")
    first, second = claims.send("activity-1"), claims.send("activity-1")
    if database.dialect != "postgresql":
        assert (first, second) == (None, None)  # claimed when read instead
    # Sent at once, either insert may land first: exactly one of them wins.
    assert sorted([claims.won("activity-1", first), claims.won("activity-1", second)]) == [
        False,
        True,
    ]
    assert not claims.won("activity-1", claims.send("activity-1"))


def test_without_an_answer_from_the_database_each_process_answers_once() -> None:
    claims = DeliveryClaims(None, utc_now, namespace="teams:")
    assert claims.won("activity-2")
    assert not claims.won("activity-2"), "this process has answered it"
    assert claims.won("activity-3")


def test_old_claims_are_forgotten(database: Database) -> None:
    later = DeliveryClaims(database, lambda: utc_now() + timedelta(days=2))
    assert DeliveryClaims(database, utc_now).won("EvOLD")
    later.forget_old()
    assert DeliveryClaims(database, utc_now).won("EvOLD"), "forgotten, so claimable again"
