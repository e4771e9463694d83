"""The migration job as the platform runs it: `alembic upgrade head` in the FastAPI app's
directory."""

from harness.database import create_database, table_names, with_database
from harness.migrations import run_alembic

SCRATCH_DATABASE = "contract_migrations_scratch"


def test_upgrade_head_again_is_a_no_op(migrated_database: str) -> None:
    result = run_alembic(migrated_database, "upgrade", "head")

    assert result.returncode == 0, result.stderr


def test_orm_models_match_the_migrations(migrated_database: str) -> None:
    result = run_alembic(migrated_database, "check")

    assert result.returncode == 0, result.stdout + result.stderr


def test_downgrade_and_upgrade_round_trip(migrated_database: str) -> None:
    create_database(migrated_database, SCRATCH_DATABASE)
    scratch = with_database(migrated_database, SCRATCH_DATABASE)

    steps = [run_alembic(scratch, *step) for step in (("upgrade", "head"), ("downgrade", "base"))]
    after_downgrade = table_names(scratch)
    steps.append(run_alembic(scratch, "upgrade", "head"))

    assert [step.returncode for step in steps] == [0, 0, 0], [step.stderr for step in steps]
    assert after_downgrade == {"alembic_version"}
    assert table_names(scratch) == {"alembic_version", "users", "orders"}


def test_failure_exits_non_zero_with_the_error(migrated_database: str) -> None:
    result = run_alembic(with_database(migrated_database, "no_such_database"), "upgrade", "head")

    assert result.returncode != 0
    assert 'database "no_such_database" does not exist' in result.stderr


def test_missing_database_url_exits_non_zero_naming_it() -> None:
    result = run_alembic(None, "upgrade", "head")

    assert result.returncode != 0
    assert "DATABASE_URL must be postgresql+asyncpg://" in result.stderr
