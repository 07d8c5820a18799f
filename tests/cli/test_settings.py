from __future__ import annotations

import json
from pathlib import Path

from .conftest import Run


def test_a_bad_setting_names_the_variable_and_value(run: Run) -> None:
    result = run("ask", "hi", env={"COMPACT_ANSWER_THRESHOLD": "abc"})
    assert result.returncode == 1
    assert "COMPACT_ANSWER_THRESHOLD" in result.stderr
    assert "'abc'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_log_level_that_is_not_one_names_the_variable_and_the_choices(run: Run) -> None:
    result = run("ask", "hi", env={"COMPACT_LOG_LEVEL": "loud"})
    assert result.returncode == 1
    assert "COMPACT_LOG_LEVEL" in result.stderr
    assert "'DEBUG', 'INFO', 'WARNING' or 'ERROR'" in result.stderr
    assert "Traceback" not in result.stderr
    assert run("ask", "hi", env={"COMPACT_LOG_LEVEL": "warning"}).returncode == 0


def test_inconsistent_thresholds_are_refused(run: Run) -> None:
    result = run(
        "ask", "hi", env={"COMPACT_CLARIFY_THRESHOLD": "0.9", "COMPACT_ANSWER_THRESHOLD": "0.5"}
    )
    assert result.returncode == 1
    said = " ".join(result.stderr.split())
    assert (
        "COMPACT_CLARIFY_THRESHOLD (0.9) must not be above COMPACT_ANSWER_THRESHOLD (0.5)" in said
    )
    assert "Traceback" not in said
    subject = run("ask", "hi", env={"COMPACT_SUBJECT_ANSWER_THRESHOLD": "0.2"})
    assert subject.returncode == 1
    assert "must not be above COMPACT_SUBJECT_ANSWER_THRESHOLD (0.2)" in " ".join(
        subject.stderr.split()
    )


def test_settings_are_read_from_a_dotenv_file(run: Run, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DATABASE_URL=sqlite:///{tmp_path / 'dotenv.db'}\n")
    result = run("ask", "--json", "what is the compact")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "answer"
    assert (tmp_path / "dotenv.db").exists()


def test_thresholds_from_the_environment_change_decisions(run: Run) -> None:
    # Not an entry's stored wording: those are answered whatever the thresholds.
    question = "how many months notice before ending a grant"
    default = json.loads(run("ask", "--json", "--no-log", question).stdout)
    strict = json.loads(
        run(
            "ask", "--json", "--no-log", question,
            env={
                "COMPACT_ANSWER_THRESHOLD": "1.0",
                "COMPACT_MARGIN": "0.99",
                "COMPACT_CLARIFY_THRESHOLD": "0.1",
            },
        ).stdout
    )  # fmt: skip
    assert default["outcome"] == "answer"
    assert strict["outcome"] == "clarify"


def test_subject_thresholds_from_the_environment_change_decisions(run: Run) -> None:
    """A question naming the Compact is decided by the subject thresholds, not the general
    ones: making only the general ones impossible leaves it answered."""
    question = "is the compact legally binding on my team"
    impossible = {"ANSWER_THRESHOLD": "1.0", "MARGIN": "0.99", "CLARIFY_THRESHOLD": "0.1"}
    general = {f"COMPACT_{k}": v for k, v in impossible.items()}
    subject = {f"COMPACT_SUBJECT_{k}": v for k, v in impossible.items() if k != "CLARIFY_THRESHOLD"}
    subject["COMPACT_CLARIFY_THRESHOLD"] = "0.1"

    def outcome(env: dict[str, str]) -> str:
        result = run("ask", "--json", "--no-log", question, env=env)
        assert result.returncode == 0, result.stderr
        return str(json.loads(result.stdout)["outcome"])

    assert outcome(general) == "answer"
    assert outcome(subject) == "clarify"


def test_a_short_pseudonym_key_names_the_variable_and_the_fix(run: Run) -> None:
    result = run("ask", "hi", env={"COMPACT_PSEUDONYM_KEY": "short-secret"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "COMPACT_PSEUDONYM_KEY: must be at least 16 characters long" in result.stderr
    assert "secrets.token_hex" in result.stderr  # how to make one
    assert "short-secret" not in result.stderr, "a secret is never echoed back"


def test_a_short_pseudonym_key_file_is_a_clear_error(run: Run, tmp_path: Path) -> None:
    data = tmp_path / "own-data"
    data.mkdir()
    (data / "pseudonym.key").write_text("abc\n")
    result = run("ask", "hi", env={"COMPACT_DATA_DIR": str(data)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "COMPACT_PSEUDONYM_KEY" in result.stderr
    assert "pseudonym.key" in result.stderr


def test_a_retention_period_longer_than_a_date_can_reach_is_a_settings_error(
    run: Run, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    result = run("db", "purge", "--db", url, env={"COMPACT_RETENTION_DAYS": "99999999"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    said = " ".join(result.stderr.split())
    assert "COMPACT_RETENTION_DAYS: Input should be less than or equal to 36500" in said
    kept = run("db", "purge", "--db", url, env={"COMPACT_RETENTION_DAYS": "36500"})
    assert kept.returncode == 0, kept.stderr


def test_a_data_folder_that_cannot_be_made_is_named_with_the_fix(run: Run, tmp_path: Path) -> None:
    a_file = tmp_path / "data.txt"
    a_file.write_text("not a folder")
    for folder, reason in ((a_file, "that is a file, not a folder"), (a_file / "sub", "Not a")):
        result = run("ask", "what is the compact", env={"COMPACT_DATA_DIR": str(folder)})
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        said = " ".join(result.stderr.split())
        assert f"Cannot keep the pseudonym key in the data folder {folder}: {reason}" in said
        assert "Set COMPACT_DATA_DIR to a folder this user can create and write to" in said


def test_an_unusable_data_folder_is_the_first_and_only_thing_said(run: Run, tmp_path: Path) -> None:
    # Not the build cache's warning first, nor the database's, then the error.
    a_file = tmp_path / "data.txt"
    a_file.write_text("not a folder")
    nowhere = {"COMPACT_DATA_DIR": str(a_file / "sub")}
    for command in (["ask", "what is the compact"], ["gaps", "list"], ["chat"]):
        result = run(*command, env=nowhere)
        assert result.returncode == 1, (command, result.stderr)
        said = " ".join(result.stderr.split())
        assert said.startswith(f"Error: Cannot keep the pseudonym key in the data folder {a_file}")
        assert "WARNING" not in result.stderr, command
        assert "cache" not in result.stderr, command
    # A command that keeps nothing (eval) runs with the cache's warning alone.
    evaluated = run("eval", env=nowhere)
    assert "No such option" not in evaluated.stderr
    assert "Cannot keep" not in evaluated.stderr
    assert "build cache not written" in evaluated.stderr
    # With the key and the database elsewhere, the folder only holds the cache: a warning.
    elsewhere = {
        **nowhere,
        "COMPACT_PSEUDONYM_KEY": "0123456789abcdef0123",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'log.db'}",
    }
    answered = run("ask", "how much notice before ending a grant?", env=elsewhere)
    assert answered.returncode == 0, answered.stderr
    assert "three months" in answered.stdout
    assert "build cache not written" in answered.stderr
    without_db = run("ask", "hi", env={**nowhere, "COMPACT_PSEUDONYM_KEY": "0123456789abcdef0123"})
    assert without_db.returncode == 1
    assert "Cannot keep the database in the data folder" in without_db.stderr
    assert "or set DATABASE_URL" in " ".join(without_db.stderr.split())
    assert "WARNING" not in without_db.stderr


def test_a_dotenv_file_saved_in_another_encoding_is_named_with_the_fix(
    run: Run, tmp_path: Path
) -> None:
    # Notepad's "ANSI" (cp1252) with an accented name, and its "Unicode" (UTF-16).
    for written in (
        "COMPACT_LOCAL_COMPACT_NAME=Café Partnership\n".encode("cp1252"),
        "COMPACT_MARGIN=0.1\n".encode("utf-16"),
    ):
        (tmp_path / ".env").write_bytes(written)
        result = run("ask", "--no-log", "what is the compact")
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        said = " ".join(result.stderr.split())
        assert f"The settings file .env in {tmp_path} is not UTF-8 text" in said
        assert "Save it as UTF-8" in said


def test_a_digest_time_that_is_not_one_stops_start_up_naming_the_variable(run: Run) -> None:
    # Checked with the other settings, not minutes later when the schedule starts.
    for bad in ("sometime", "mon 25:00", "mon 09:60", "mon 09:00 weekly", "09:00", "mon ²:00"):
        result = run("ask", "--no-log", "hi", env={"COMPACT_DIGEST_CRON": bad})
        assert result.returncode == 1, bad
        said = " ".join(result.stderr.split())
        assert "COMPACT_DIGEST_CRON: must be a day and a 24-hour time, like 'mon 09:00'" in said
        assert repr(bad) in said
        assert "Traceback" not in said
    for good in ("mon 09:00", "Friday 16:30", "sun 0:05"):
        assert run("ask", "--no-log", "hi", env={"COMPACT_DIGEST_CRON": good}).returncode == 0
