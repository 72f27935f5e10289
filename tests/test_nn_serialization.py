"""Tests for save_parameters / load_parameters: round trips and all-or-nothing failures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backprop_ref.nn import MLP, Linear, Sequential, Tanh, load_parameters, save_parameters


def snapshot(model: Sequential) -> list[np.ndarray]:
    return [p.copy() for p in model.parameters()]


def assert_unchanged(model: Sequential, before: list[np.ndarray]) -> None:
    for parameter, expected in zip(model.parameters(), before, strict=True):
        np.testing.assert_array_equal(parameter, expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_copies_in_place(tmp_path: Path, dtype: type) -> None:
    source = MLP([3, 5, 2], rng=np.random.default_rng(0), dtype=dtype)
    target = MLP([3, 5, 2], rng=np.random.default_rng(1), dtype=dtype)
    arrays = target.parameters()
    path = tmp_path / "model.npz"
    save_parameters(source, path)
    load_parameters(target, path)
    for loaded, original, array in zip(
        target.parameters(), source.parameters(), arrays, strict=True
    ):
        assert loaded is array  # the same array object, written in place
        assert loaded.dtype == dtype
        np.testing.assert_array_equal(loaded, original)
    x: np.ndarray = np.ones((2, 3), dtype=dtype)
    np.testing.assert_array_equal(target.forward(x), source.forward(x))


def test_file_holds_named_plain_arrays_at_the_exact_path(tmp_path: Path) -> None:
    model = MLP([2, 3], rng=np.random.default_rng(0))
    path = tmp_path / "weights.params"  # no .npz suffix is added
    save_parameters(model, str(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["weights.params"]
    with np.load(path, allow_pickle=False) as data:
        assert list(data.files) == ["0.weight", "0.bias"]
        np.testing.assert_array_equal(data["0.weight"], model.parameters()[0])


@pytest.mark.parametrize(
    ("other", "message"),
    [
        (
            lambda: MLP([3, 6, 2], rng=np.random.default_rng(5)),
            r"0\.weight: expected shape \(3, 5\), got \(3, 6\); 0\.bias: expected shape \(5,\), got \(6,\); 2\.weight: expected shape \(5, 2\), got \(6, 2\)",
        ),
        (
            lambda: MLP([3, 5, 2], rng=np.random.default_rng(5), dtype=np.float32),
            r"0\.weight: expected dtype float64, got float32",
        ),
        (
            lambda: MLP([3, 5, 2], rng=np.random.default_rng(5), bias=False),
            r"missing parameters \['0\.bias', '2\.bias'\]",
        ),
        (
            lambda: MLP([3, 5, 2, 2], rng=np.random.default_rng(5)),
            r"unexpected parameters \['4\.weight', '4\.bias'\]",
        ),
        (
            lambda: Sequential([Linear(3, 5, rng=np.random.default_rng(5)), Tanh(), Linear(5, 3, rng=np.random.default_rng(6))]),
            r"2\.weight: expected shape \(5, 2\), got \(5, 3\)",  # only the last layer differs
        ),
    ],
)  # fmt: skip
def test_mismatch_raises_and_changes_nothing(tmp_path: Path, other: object, message: str) -> None:
    model = MLP([3, 5, 2], rng=np.random.default_rng(0))
    before = snapshot(model)
    path = tmp_path / "other.npz"
    save_parameters(other(), path)  # type: ignore[operator]
    with pytest.raises(ValueError, match=f"does not match the module's 4 parameters: .*{message}"):
        load_parameters(model, path)
    assert_unchanged(model, before)


def test_pickled_objects_are_refused(tmp_path: Path) -> None:
    model = MLP([2, 3], rng=np.random.default_rng(0))
    before = snapshot(model)
    path = tmp_path / "evil.npz"
    with path.open("wb") as file:
        objects = np.array([{"a": 1}] * 6, dtype=object).reshape(2, 3)
        np.savez(file, **{"0.weight": objects})  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"is not a parameter file written by save_parameters: .*allow_pickle"
    ):
        load_parameters(model, path)
    assert_unchanged(model, before)


def test_not_an_npz_file(tmp_path: Path) -> None:
    model = MLP([2, 3], rng=np.random.default_rng(0))
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"definitely not a zip file")
    with pytest.raises(ValueError, match="is not a parameter file written by save_parameters"):
        load_parameters(model, garbage)
    single = tmp_path / "single.npy"
    np.save(single, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"expected an \.npz file of named arrays, got ndarray"):
        load_parameters(model, single)
    truncated = tmp_path / "truncated.npz"
    save_parameters(model, truncated)
    truncated.write_bytes(truncated.read_bytes()[:40])
    with pytest.raises(ValueError, match="is not a parameter file"):
        load_parameters(model, truncated)


def test_missing_file_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_parameters(MLP([2, 3], rng=np.random.default_rng(0)), tmp_path / "absent.npz")
