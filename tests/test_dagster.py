"""The Dagster definitions: they load, one partition materializes end to end with Dagster's own
`materialize`, the inbox sensor asks for the right periods, the schedule for the previous month."""

import datetime as dt
import os
import subprocess
import sys

import dagster as dg
from inbox_builder import dossier, write_month, write_reference

from pipelines.db import connect
from pipelines.defs import assets as asset_defs
from pipelines.defs.alerts import alerts
from pipelines.defs.automation import inbox_sensor, monthly_schedule
from pipelines.defs.resources import environment_for, resources_for, run_config_for

ALL_ASSETS = [asset_defs.staging_reference, asset_defs.staging_exports, asset_defs.core_model, asset_defs.indicators,
              asset_defs.marts, asset_defs.serving_warehouse, alerts]


def test_definitions_load_with_schedule_sensor_and_job():
    from pipelines.definitions import defs

    d = defs()
    assert sorted(d.resolve_all_asset_keys()) == sorted(k for a in ALL_ASSETS for k in a.keys)
    assert d.resolve_job_def("monthly_refresh")
    assert [s.name for s in d.schedules] == ["monthly_refresh_schedule"]
    assert [s.name for s in d.sensors] == ["inbox_sensor"]


def test_importing_the_definitions_writes_nothing(tmp_path):
    """A code location is imported by many processes (the UI, its daemon, each run): it must not
    write, nor need the environment that only a run reads."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CCHC_", "DAGSTER_"))}
    home = tmp_path / "untouched"
    home.mkdir()
    loaded = subprocess.run([sys.executable, "-c", "from pipelines.definitions import defs; print(len(defs().resolve_all_asset_keys()))"],
                            cwd=home, env={**env, "CCHC_HOME": str(home)}, capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split()[-1] == str(sum(len(a.keys) for a in ALL_ASSETS))
    assert list(home.iterdir()) == []


def test_the_dagster_process_runs_the_job_with_resources_from_its_environment(cchc_home, inbox, monkeypatch):
    """As `cchc dagster` starts it: the resources read CCHC_HOME, CCHC_INBOX and CCHC_BUILD_DB."""
    from pipelines.definitions import defs

    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1")])
    for name, value in environment_for(cchc_home, inbox).items():
        monkeypatch.setenv(name, value)
    result = defs().resolve_job_def("monthly_refresh").execute_in_process(
        partition_key="2025-10", instance=dg.DagsterInstance.ephemeral())
    assert result.success
    con = connect(cchc_home / "warehouse" / "serving.duckdb", read_only=True)
    assert con.execute("SELECT list(ma_ho_so) FROM core.fct_ho_so").fetchone() == (["HS-1"],)
    assert con.execute("SELECT inbox FROM meta.refreshes").fetchall() == [(str(inbox),)]
    con.close()


def test_materialize_one_partition_end_to_end(cchc_home, inbox):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1"), dossier("HS-2", kenh="1")])
    write_month(inbox, "2025-11", [dossier("HS-3", month="2025-11")])
    result = dg.materialize(ALL_ASSETS, partition_key="2025-10", resources=resources_for(cchc_home, inbox),
                            instance=dg.DagsterInstance.ephemeral())
    assert result.success
    keys = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
            for e in [e.event_specific_data.materialization]}
    assert keys == {k.to_user_string() for a in ALL_ASSETS for k in a.keys}
    con = connect(cchc_home / "warehouse" / "serving.duckdb", read_only=True)
    assert con.execute("SELECT list(ma_ho_so ORDER BY ma_ho_so) FROM core.fct_ho_so").fetchone() == (["HS-1", "HS-2"],)
    con.close()


def test_inbox_sensor_requests_new_and_changed_periods(cchc_home, inbox):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1")])
    write_month(inbox, "2025-11", [dossier("HS-2", month="2025-11")])
    resources = resources_for(cchc_home, inbox)
    with dg.build_sensor_context(resources=resources) as ctx:
        first = list(inbox_sensor(ctx))
        cursor = ctx.cursor
    assert sorted(r.partition_key for r in first) == ["2025-10", "2025-11"]
    with dg.build_sensor_context(resources=resources, cursor=cursor) as ctx:
        assert list(inbox_sensor(ctx)) == []
    changed = inbox / "thanh_toan_2025-10.csv"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    os.utime(changed, ns=(1, 10**18))
    with dg.build_sensor_context(resources=resources, cursor=cursor) as ctx:
        assert [r.partition_key for r in inbox_sensor(ctx)] == ["2025-10"]


def test_schedule_refreshes_the_previous_month_on_the_fifth():
    assert monthly_schedule.cron_schedule == "0 6 5 * *"
    assert monthly_schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    tick = dt.datetime(2025, 11, 5, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with dg.build_schedule_context(scheduled_execution_time=tick) as ctx:
        request = monthly_schedule(ctx)
    assert request.partition_key == "2025-10"


def test_inbox_sensor_skips_with_the_reason_when_the_inbox_is_ambiguous(cchc_home, inbox):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1")])
    write_month(inbox, "2025-10", [dossier("HS-1")], fmt="xlsx")  # two files for one period
    with dg.build_sensor_context(resources=resources_for(cchc_home, inbox)) as ctx:
        results = list(inbox_sensor(ctx))
    assert len(results) == 1 and isinstance(results[0], dg.SkipReason)
    assert "Có hai tệp cho cùng một kỳ" in results[0].skip_message


def test_the_refresh_keeps_to_the_memory_the_settings_give_it(cchc_home, inbox):
    from pipelines.config import config_path
    from pipelines.defs.resources import build_connection

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("[warehouse]\nmemory_limit_gb = 1.5\n", encoding="utf-8")
    with build_connection(resources_for(cchc_home, inbox)["duckdb"]) as con:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit == "1.3 GiB"  # 1.5 × 10^9 bytes


def test_a_run_reads_and_writes_only_the_home_its_resources_name(tmp_path, inbox, monkeypatch):
    """The `cchc` resource is the run's home for every step, the alerts and the failure hook
    included (their settings, state and notes), whatever CCHC_HOME the process has: one process can
    refresh two homes, and no module reads a path behind the resources' back."""
    from pipelines.definitions import defs

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("CCHC_HOME", str(elsewhere))
    run_home = tmp_path / "run_home"
    run_home.mkdir()
    (run_home / "config.toml").write_text("[alerts]\nmin_denominator = 1\n", encoding="utf-8")  # 1 late of 2 is news
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1"), dossier("HS-2", ngay_ket_thuc="24/10/2025 10:00:00", ngay_tra="24/10/2025 11:00:00")])
    result = dg.materialize(ALL_ASSETS, partition_key="2025-10", resources=resources_for(run_home, inbox),
                            instance=dg.DagsterInstance.ephemeral())
    assert result.success
    evaluated = {k: v.value for m in result.asset_materializations_for_node("alerts") for k, v in m.metadata.items()}
    assert "error" not in evaluated and evaluated["firing"] > 0  # it read the copy just published
    assert (run_home / "alerts.sqlite").exists()
    (inbox / "ho_so_2025-10.csv").write_text("ma_ho_so\nHS-1\n", encoding="utf-8")  # a file it refuses
    failed = defs().resolve_job_def("monthly_refresh").execute_in_process(  # as `cchc refresh` runs it
        partition_key="2025-10", run_config=run_config_for(run_home, inbox), instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False)
    assert not failed.success  # its failure hook noted it in the run's home
    assert (run_home / "warehouse" / "last_failure.json").exists()
    assert list(elsewhere.iterdir()) == []
