"""Tests for Module.state_dict / load_state_dict / named_buffers (PyTorch's semantics)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backprop_ref.nn import MLP, IncompatibleKeys, Linear, Module, ReLU, Sequential, Tanh
from backprop_ref.nn.module import IncompatibleKeys as ModuleIncompatibleKeys


class Counter(Module):
    """A module with one parameter and one buffer, as batch normalisation has."""

    def __init__(self) -> None:
        self.scale = np.ones(2)
        self.running_mean = np.zeros(2)

    def named_parameters(self) -> list[tuple[str, np.ndarray]]:
        return [("scale", self.scale)]

    def named_buffers(self) -> list[tuple[str, np.ndarray]]:
        return [("running_mean", self.running_mean)]


def model(seed: int = 0) -> Sequential:
    return Sequential([Linear(3, 4, rng=np.random.default_rng(seed)), Counter(), Tanh()])


def test_exports() -> None:
    assert IncompatibleKeys is ModuleIncompatibleKeys


def test_keys_parameters_then_buffers_in_order() -> None:
    net = model()
    assert [name for name, _ in net.named_buffers()] == ["1.running_mean"]
    assert list(net.state_dict()) == ["0.weight", "0.bias", "1.scale", "1.running_mean"]
    assert Linear(2, 2, rng=np.random.default_rng(0)).named_buffers() == []
    assert ReLU().state_dict() == {}


def test_state_dict_holds_copies() -> None:
    net = model()
    state = net.state_dict()
    state["0.weight"][...] = 7.0
    assert not np.any(net.parameters()[0] == 7.0)


@given(st.integers(0, 2**31 - 1), st.integers(0, 2**31 - 1))
def test_round_trip_copies_in_place(seed_source: int, seed_target: int) -> None:
    source, target = (
        MLP([3, 5, 2], rng=np.random.default_rng(seed_source)),
        MLP([3, 5, 2], rng=np.random.default_rng(seed_target)),
    )
    arrays = target.parameters()
    result = target.load_state_dict(source.state_dict())
    assert result == IncompatibleKeys(missing_keys=[], unexpected_keys=[])
    for loaded, original, array in zip(
        target.parameters(), source.parameters(), arrays, strict=True
    ):
        assert loaded is array
        np.testing.assert_array_equal(loaded, original)


def test_strict_false_reports_keys_and_loads_the_rest() -> None:
    net, other = model(0), model(1)
    state = other.state_dict()
    del state["0.bias"]
    state["extra"] = np.zeros(1)
    result = net.load_state_dict(state, strict=False)
    assert result.missing_keys == ["0.bias"]
    assert result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(net.parameters()[0], other.parameters()[0])


def test_strict_mismatch_names_keys_and_changes_nothing() -> None:
    net = model()
    before = net.state_dict()
    state = model(1).state_dict()
    del state["1.running_mean"]
    state["2.weight"] = np.zeros(1)
    with pytest.raises(
        ValueError, match=r"missing \['1.running_mean'\].*unexpected \['2.weight'\]"
    ):
        net.load_state_dict(state)
    for name, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda s: s.update({"1.scale": np.zeros(3)}), ValueError, r"'1.scale' must have shape"),
        (lambda s: s.update({"1.scale": np.array([1.0, np.nan])}), ValueError, "finite"),
        (lambda s: s.update({"1.scale": np.array(["a", "b"])}), TypeError, "numeric"),
        (lambda s: s.update({"1.scale": np.array([1, 2], dtype=object)}), TypeError, "numeric"),
        (
            lambda s: s.update({"1.scale": np.ones(2, dtype=np.complex128)}),
            TypeError,
            "numeric",
        ),
    ],
)
def test_bad_entry_is_refused_and_nothing_changes(change, error, message) -> None:  # type: ignore[no-untyped-def]
    net = model()
    before = net.state_dict()
    state = model(1).state_dict()
    change(state)
    with pytest.raises(error, match=message):
        net.load_state_dict(state)
    for name, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def test_float64_into_float32_is_refused_but_ints_load() -> None:
    net = Sequential([Linear(2, 2, rng=np.random.default_rng(0), dtype=np.float32)])
    state: dict[str, np.ndarray] = {
        "0.weight": np.ones((2, 2)),
        "0.bias": np.ones(2, dtype=np.float32),
    }
    with pytest.raises(TypeError, match="cannot be cast safely"):
        net.load_state_dict(state)
    net.load_state_dict({"0.weight": np.ones((2, 2), np.int8), "0.bias": np.zeros(2, np.float32)})
    np.testing.assert_array_equal(net.parameters()[0], np.ones((2, 2)))


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="state_dict must be a mapping"):
        model().load_state_dict([("0.weight", np.ones(1))])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="strict must be True or False"):
        model().load_state_dict({}, strict=1)  # type: ignore[arg-type]
