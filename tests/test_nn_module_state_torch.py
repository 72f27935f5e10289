"""load_state_dict's keys and strict=False result match PyTorch's for the same model."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_ref.nn import Linear, Sequential, Tanh

torch = pytest.importorskip("torch")


def test_keys_and_incompatible_keys_match_torch() -> None:
    ours = Sequential(
        [
            Linear(3, 4, rng=np.random.default_rng(0)),
            Tanh(),
            Linear(4, 2, rng=np.random.default_rng(1)),
        ]
    )
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    state = {name: value for name, value in ours.state_dict().items() if name != "2.bias"}
    state["9.weight"] = np.zeros(1)
    torch_state = {name: torch.zeros(1) for name in state}
    for name, value in state.items():
        if name != "9.weight":
            torch_state[name] = torch.from_numpy(value.T.copy() if value.ndim == 2 else value)
    result = ours.load_state_dict(state, strict=False)
    expected = theirs.load_state_dict(torch_state, strict=False)
    assert result.missing_keys == list(expected.missing_keys)
    assert result.unexpected_keys == list(expected.unexpected_keys)
    with pytest.raises(RuntimeError):
        theirs.load_state_dict(torch_state)
    with pytest.raises(ValueError, match="missing"):
        ours.load_state_dict(state)
