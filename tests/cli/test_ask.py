from __future__ import annotations

import json
import re
from pathlib import Path

from bot.knowledge.loader import load_knowledge
from bot.settings import bundled_knowledge
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.pseudonyms import Pseudonymiser

from .conftest import Run

CONTRACT_FIELDS = {"question", "outcome", "entry_id", "answer", "confidence", "candidates"}


def test_ask_json_reads_stdin_and_writes_one_object_per_line_in_order(run: Run) -> None:
    questions = [
        "how much notice must we give before ending a grant?",
        "consultation",
        "purple elephants dancing",
        "hello",
        "",
    ]
    result = run("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(questions)
    replies = [json.loads(line) for line in lines]
    assert [r["question"] for r in replies] == questions
    assert [r["outcome"] for r in replies] == [
        "answer",
        "clarify",
        "no_match",
        "smalltalk",
        "smalltalk",
    ]
    for reply in replies:
        assert reply.keys() >= CONTRACT_FIELDS
        assert 0 <= reply["confidence"] <= 1
        assert len(reply["candidates"]) <= 5
        for candidate in reply["candidates"]:
            assert set(candidate) == {"entry_id", "question", "score"}
        if reply["candidates"]:
            # Best first: the first candidate is the answer or the first option, and its score
            # is the reply's confidence (scores need not fall: the order also weighs meaning).
            first = reply["candidates"][0]
            assert first["score"] == reply["confidence"]
            assert first["entry_id"] == (
                reply["entry_id"] or (reply["options"] or [first["entry_id"]])[0]
            )
        if reply["outcome"] != "answer":
            assert reply["entry_id"] is None
            assert reply["answer"] is None
    answer = replies[0]
    assert answer["entry_id"] == "funding-notice"
    assert "three months" in answer["answer"]
    assert answer["candidates"][0]["entry_id"] == "funding-notice"
    assert replies[1]["candidates"], "a clarify lists its candidates"
    assert replies[3]["candidates"] == []


def test_ask_json_drops_the_byte_order_mark_a_file_saved_by_notepad_starts_with(
    run: Run,
) -> None:
    # Otherwise the first question is echoed with U+FEFF in front, and matches no line of
    # the file it came from as the reader's tools read it.
    questions = "\ufeffwhat is the compact\n\ufeffhow much notice before ending a grant?\n"
    result = run("ask", "--json", "--no-log", "-", stdin=questions)
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in replies] == [
        "what is the compact",
        "how much notice before ending a grant?",
    ]
    assert [r["entry_id"] for r in replies] == ["what-is-the-compact", "funding-notice"]


def test_ask_prints_a_sourced_answer_for_a_person(run: Run) -> None:
    result = run("ask", "how much notice must we give before ending a grant?")
    assert result.returncode == 0, result.stderr
    assert "three months" in result.stdout
    assert "Source:" in result.stdout
    assert "Applies to:" in result.stdout


def test_ask_logs_to_the_database_named_by_db(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'named.db'}"
    result = run("ask", "--db", url, "--json", "zebra crossing paint colours")
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["outcome"] == "no_match"
    assert "I've logged your question" in reply["message"]
    unlogged = json.loads(run("ask", "--no-log", "--json", "zebra crossing paint colours").stdout)
    assert "was not logged" in unlogged["message"], "--no-log: the reply must not claim it"
    database = Database.connect(url)
    log = InteractionLog(database, pseudonymiser=Pseudonymiser("x" * 16))
    [row] = log.recent()
    assert row.question == "zebra crossing paint colours"
    assert row.outcome == "no_match"
    database.dispose()


def test_database_url_comes_from_the_environment(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'from-env.db'}"
    result = run("ask", "--json", "what is the compact", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-env.db").exists()


def test_no_log_leaves_the_database_alone(run: Run, tmp_path: Path) -> None:
    result = run("ask", "--no-log", "--json", "what is the compact")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "data" / "compact.db").exists()


def test_a_wrong_database_url_is_a_clear_warning_and_answers_go_on(run: Run) -> None:
    result = run("ask", "--json", "--db", "definitely-not-a-url", "what is the compact")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["entry_id"] == "what-is-the-compact"
    assert "is not a database URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_question_the_knowledge_base_lists_is_answered_with_its_own_entry(run: Run) -> None:
    """Staff copy questions from `/compact topics` and App Home; none may get "did you mean"."""
    kb = load_knowledge(bundled_knowledge())
    result = run("ask", "--no-log", "--json", "-", stdin="\n".join(e.question for e in kb.entries))
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(replies) == len(kb.entries)
    wrong = [
        (entry.id, reply["outcome"], reply["entry_id"])
        for entry, reply in zip(kb.entries, replies, strict=True)
        if (reply["outcome"], reply["entry_id"]) != ("answer", entry.id)
    ]
    assert wrong == []


def test_the_subjects_bare_name_gets_what_it_is(run: Run) -> None:
    """A new starter typing just "compact" got Compact Week and district Compacts offered."""
    result = run("ask", "--no-log", "--json", "-", stdin="compact\nthe Compact?\n")
    assert result.returncode == 0, result.stderr
    for line in result.stdout.splitlines():
        reply = json.loads(line)
        assert reply["candidates"][0]["entry_id"] == "what-is-the-compact", reply["question"]


def test_a_question_with_slips_gets_what_it_gets_typed_right(run: Run) -> None:
    """The words of "the copmact applise to councils?" were mended, but the static vectors
    read the slips as typed: odd word pieces pulled the sentence towards the Covenant's entry,
    and a question answered outright when typed right got "did you mean"."""
    pairs = [
        ("the compact applies to councils?", "the copmact applise to councils?"),
        (
            "can we be taken to court for breaking the compact",
            "can we be atken to court for breaking the ocmpact",
        ),
        (
            "is there a covenant council or someone overseeing it",
            "is there a covenant cmuncil or someone ovesreeing it",
        ),
    ]
    asked = "".join(f"{right}\n{slipped}\n" for right, slipped in pairs)
    result = run("ask", "--no-log", "--json", "-", stdin=asked)
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert replies[0]["entry_id"] == "who-the-compact-applies-to"
    for right, slipped in zip(replies[::2], replies[1::2], strict=True):
        assert (slipped["outcome"], slipped["entry_id"], slipped["candidates"]) == (
            right["outcome"],
            right["entry_id"],
            right["candidates"],
        ), slipped["question"]


def test_a_question_typed_with_accents_gets_what_it_gets_typed_plain(run: Run) -> None:
    """An accented letter ("compáct", a French or Spanish keyboard's habit) split the word in
    two ("comp", "ct"), so a question that is answered when typed plain got no match."""
    pairs = [
        ("what is the compact", "what is the compáct"),
        (
            "how much notice must we give before ending a grant?",
            "how much nötice must we give before ending a grant?",
        ),
    ]
    asked = "".join(f"{plain}\n{accented}\n" for plain, accented in pairs)
    result = run("ask", "--no-log", "--json", "-", stdin=asked)
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert replies[0]["outcome"] == "answer"
    for plain, accented in zip(replies[::2], replies[1::2], strict=True):
        assert (accented["outcome"], accented["entry_id"]) == (
            plain["outcome"],
            plain["entry_id"],
        ), accented["question"]


def test_ask_caches_the_built_knowledge_base_in_the_data_folder_and_survives_a_damaged_cache(
    run: Run, isolated_environment: Path
) -> None:
    question = "how much notice must we give before ending a grant?"
    first = run("ask", "--json", "--no-log", question)
    assert first.returncode == 0, first.stderr
    [built] = (isolated_environment / "cache").glob("*.build")
    second = run("ask", "--json", "--no-log", question)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout) == json.loads(first.stdout)
    assert second.stderr == ""

    built.write_bytes(built.read_bytes()[:1000])
    damaged = run("ask", "--json", "--no-log", question)
    assert damaged.returncode == 0, damaged.stderr
    assert json.loads(damaged.stdout) == json.loads(first.stdout)
    [line] = damaged.stderr.splitlines()
    assert "build cache" in line
    assert "building instead" in line
    assert run("ask", "--json", "--no-log", question).stderr == ""  # rebuilt and sound again


def test_a_did_you_mean_message_lists_the_questions_without_a_doubled_question_mark(
    run: Run,
) -> None:
    result = run("ask", "--json", "--no-log", "consultation")
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["outcome"] == "clarify"
    assert reply["message"].startswith("Did you mean: ")
    assert not reply["message"].endswith("??")
    asked = {c["entry_id"]: c["question"] for c in reply["candidates"]}
    assert reply["options"]
    assert all(asked[option] in reply["message"] for option in reply["options"])


def test_a_one_off_did_you_mean_offers_questions_to_ask_not_numbers_to_type(run: Run) -> None:
    # ask ends after one reply: "1." and "0. None of these" invite an answer it cannot take.
    chosen = json.loads(run("ask", "--json", "--no-log", "consultation").stdout)
    assert chosen["outcome"] == "clarify"
    result = run("ask", "--no-log", "consultation")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Did you mean one of these? Ask again in its words:" in out
    assert "None of these" not in out
    assert not re.search(r"^\s+\d+\. ", out, re.MULTILINE)
    candidates = {c["entry_id"]: c["question"] for c in chosen["candidates"]}
    for option in chosen["options"]:
        assert f"  - {candidates[option]}" in out


def test_acknowledgements_are_small_talk_not_questions_for_the_review_group(run: Run) -> None:
    said = ["ok", "Okay.", "no thanks", "Thank you so much!", "got it", "That's helpful"]
    result = run("ask", "--json", "--no-log", "-", stdin="\n".join(said) + "\n")
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["outcome"] for r in replies] == ["smalltalk"] * len(said), replies
    assert all(r["candidates"] == [] for r in replies)


def test_a_one_off_chat_command_is_explained_and_not_logged_as_a_gap(
    run: Run, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'commands.db'}"
    quit_ = run("ask", "--db", url, "quit")
    assert quit_.returncode == 0, quit_.stderr
    assert "ends a conversation in compact-bot chat" in quit_.stdout
    assert "I don't know that yet" not in quit_.stdout
    for word in ("Exit", "q", "3", "y", "r1", "none"):
        reply = json.loads(run("ask", "--db", url, "--json", word).stdout)
        assert reply["outcome"] == "smalltalk", reply
        assert "compact-bot chat" in reply["message"]
        assert reply["interaction_id"] is None
    # A question that merely starts with the word is still a question, and logged.
    asked = json.loads(run("ask", "--db", url, "--json", "quit the compact partnership").stdout)
    assert asked["outcome"] != "smalltalk"
    database = Database.connect(url)
    log = InteractionLog(database, pseudonymiser=Pseudonymiser("x" * 16))
    assert [row.question for row in log.recent()] == ["quit the compact partnership"]
    database.dispose()


def test_a_question_with_no_word_the_knowledge_base_uses_is_told_it_is_outside(
    run: Run,
) -> None:
    """ "how do I reset my password" was told "I don't know that yet ... so the Compact review
    group can add an answer": a promise no one would keep. A question sharing no content word
    with the knowledge base is told it is outside what the assistant covers; one in the
    subject that no entry answers is still a gap for the review group."""
    asked = "how do I reset my password\ncan volunteers claim travel expenses for bikes\n"
    result = run("ask", "--no-log", "--json", "-", stdin=asked)
    assert result.returncode == 0, result.stderr
    outside, gap = (json.loads(line) for line in result.stdout.splitlines())
    assert (outside["outcome"], gap["outcome"]) == ("no_match", "no_match")
    assert "doesn't look like a question about the Compact" in outside["message"]
    assert "don't know that yet" not in outside["message"]
    assert "logged" not in outside["message"]  # --no-log: nothing claims it was kept
    assert "I don't know that yet" in gap["message"]
