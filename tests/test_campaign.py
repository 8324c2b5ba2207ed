"""A bounded run of the outside tester's campaign (scripts/campaign.py runs the long ones)."""

from __future__ import annotations

from pathlib import Path

from scripts.campaign import KillPlan, kills, mutants, mutate


def test_mutants_never_raise_and_every_set_read_gets_one_outcome_row(tmp_path: Path) -> None:
    tally = mutants(400, seed=11, work=tmp_path)
    assert tally.trials == 400 and tally.failures == []
    assert tally.outcomes["accepted"] + tally.outcomes["rejected"] > 0  # some mutants still reach the rules
    assert any(label.startswith("TA1 rejected") for label in tally.outcomes)


def test_random_kills_converge_to_the_uninterrupted_run(tmp_path: Path) -> None:
    tally = kills(20, seed=5, work=tmp_path)
    assert tally.trials == 20 and tally.failures == []
    assert tally.outcomes["killed mid-run"] > 0


def test_three_kills_a_trial_over_the_hostile_shapes_converge(tmp_path: Path) -> None:
    tally = kills(5, seed=7, work=tmp_path, plan=KillPlan(per_trial=3, shapes=True))
    assert tally.trials == 5 and tally.failures == []
    assert tally.outcomes["killed mid-run"] > 5


def test_early_kills_converge_and_never_make_a_file_poison(tmp_path: Path) -> None:
    tally = kills(6, seed=9, work=tmp_path, plan=KillPlan(per_trial=3, early=True))
    assert tally.trials == 6 and tally.failures == []
    assert tally.outcomes["killed mid-run"] > 0


def test_the_mutator_changes_the_input() -> None:
    import random

    data = b"ISA*00*" + b"x" * 200
    assert {mutate(data, random.Random(seed)) != data for seed in range(20)} == {True}
