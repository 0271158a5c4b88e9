"""Runbook arithmetic: dependency validation, dependency order and the critical path."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golive.cutover import plan


def test_unknown_dependency_names_the_step_and_the_missing_ref():
    with pytest.raises(plan.PlanError) as error:
        plan.validate({"A": [], "B": ["A", "ZZ"]})
    assert error.value.ref == "B"
    assert "ZZ" in str(error.value)
    assert error.value.cycle == ()


def test_self_dependency_is_a_cycle():
    with pytest.raises(plan.PlanError) as error:
        plan.validate({"A": ["A"]})
    assert error.value.cycle == ("A", "A")


def test_a_cycle_is_named_in_execution_order():
    with pytest.raises(plan.PlanError) as error:
        plan.validate({"X": [], "A": ["C"], "B": ["A"], "C": ["B"], "D": ["X"]})
    cycle = error.value.cycle
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"A", "B", "C"}
    # Each arrow reads "comes before": the step after an arrow depends on the one before it.
    deps = {"A": ["C"], "B": ["A"], "C": ["B"]}
    assert all(before in deps[after] for before, after in itertools.pairwise(cycle))


def test_order_puts_dependencies_first_and_keeps_positions_among_ready_steps():
    deps = {"FREEZE": [], "LOAD": ["EXTRACT", "CONFIG"], "CONFIG": ["FREEZE"], "EXTRACT": ["FREEZE"], "NOTE": []}
    assert plan.order(deps) == ["FREEZE", "CONFIG", "EXTRACT", "LOAD", "NOTE"]
    position = {"NOTE": 0, "FREEZE": 1, "EXTRACT": 2, "CONFIG": 3, "LOAD": 4}
    assert plan.order(deps, position=position) == ["NOTE", "FREEZE", "EXTRACT", "CONFIG", "LOAD"]


def test_critical_path_is_the_longest_chain_of_remaining_minutes():
    deps = {"A": [], "B": ["A"], "C": ["A"], "D": ["B", "C"], "E": []}
    result = plan.critical_path(deps, {"A": 10, "B": 5, "C": 30, "D": 1, "E": 40})
    assert result == plan.CriticalPath(41, ("A", "C", "D"))
    # Once A and C are done (0 minutes left), the long independent step E dominates.
    assert plan.critical_path(deps, {"A": 0, "B": 5, "C": 0, "D": 1, "E": 40}) == plan.CriticalPath(40, ("E",))


def test_empty_runbook_has_no_path():
    assert plan.critical_path({}, {}) == plan.CriticalPath(0, ())


@st.composite
def dags(draw):
    """Random DAGs: step i may only depend on steps before it, then the steps are shuffled."""
    size = draw(st.integers(min_value=1, max_value=8))
    refs = [f"S{i}" for i in range(size)]
    deps = {
        ref: sorted(set(draw(st.lists(st.sampled_from(refs[:i]), max_size=3)))) if i else []
        for i, ref in enumerate(refs)
    }
    minutes = {ref: draw(st.integers(min_value=0, max_value=120)) for ref in refs}
    shuffled = draw(st.permutations(refs))
    return {ref: deps[ref] for ref in shuffled}, minutes


def _all_chains(deps):
    """Every chain of dependent steps, by brute force (the oracle)."""
    chains = []

    def extend(chain):
        chains.append(chain)
        for ref, needs in deps.items():
            if chain[-1] in needs:
                extend([*chain, ref])

    for ref in deps:
        extend([ref])
    return chains


@settings(max_examples=200, deadline=None)
@given(dags())
def test_critical_path_matches_brute_force(case):
    deps, minutes = case
    result = plan.critical_path(deps, minutes)
    best = max(sum(minutes[ref] for ref in chain) for chain in _all_chains(deps))
    assert result.minutes == best
    assert sum(minutes[ref] for ref in result.refs) == best
    assert all(before in deps[after] for before, after in itertools.pairwise(result.refs))


@settings(max_examples=200, deadline=None)
@given(dags())
def test_order_is_a_topological_order(case):
    deps, _minutes = case
    ordered = plan.order(deps)
    assert sorted(ordered) == sorted(deps)
    seen = {ref: i for i, ref in enumerate(ordered)}
    assert all(seen[need] < seen[ref] for ref, needs in deps.items() for need in needs)


def _order_oracle(deps, rank):
    """Dependency order by brute force: again and again, the ready step of the lowest (rank, ref)."""
    done: list[str] = []
    while len(done) < len(deps):
        ready = [ref for ref in deps if ref not in done and all(need in done for need in deps[ref])]
        done.append(min(ready, key=lambda ref: (rank[ref], ref)))
    return done


@settings(max_examples=200, deadline=None)
@given(dags(), st.randoms(use_true_random=False))
def test_order_by_position_matches_brute_force(case, rng):
    """The shortcut for a runbook written in dependency order (every step after what it needs) gives the same
    order as the general walk: with the insertion order, and with positions that may or may not follow it."""
    deps, _minutes = case
    assert plan.order(deps) == _order_oracle(deps, {ref: i for i, ref in enumerate(deps)})
    refs = list(deps)
    rng.shuffle(refs)
    position = {ref: i for i, ref in enumerate(refs)}
    assert plan.order(deps, position=position) == _order_oracle(deps, position)


def test_order_of_a_long_written_runbook_still_names_a_cycle():
    deps = {f"S{i}": [f"S{i - 1}"] if i else [] for i in range(500)}
    assert plan.order(deps) == [f"S{i}" for i in range(500)]
    deps["S0"] = ["S499"]
    with pytest.raises(plan.PlanError, match="dependency cycle"):
        plan.order(deps)
