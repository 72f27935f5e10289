"""Cross-check of backprop_ref.optim against torch.optim itself (skipped without PyTorch).

PyTorch is not a dependency: install it (``pip install torch==2.13.0``, CPU) to run this file.
Every case of the table in tests/test_optim.py is run side by side with the torch optimizer of the
same name and keyword arguments, in float64, and must agree step for step to 1e-12.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from backprop_ref import optim
from backprop_ref.optim import (
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    Schedule,
    SequentialLR,
    StepLR,
)
from tests.test_optim import CASES, DEFAULTS, NEGATIVE, SHAPES, Case, assert_close

# ModuleNotFoundError is the only ImportError a missing torch raises, so this skip never warns.
torch = pytest.importorskip("torch")

CASE_PARAMS = [pytest.param(case, id=case.id) for case in CASES]
STEPS = 20


def torch_optimizer(case: Case, tensors: list[Any]) -> Any:
    """The torch optimizer of the same name with the same keyword arguments."""
    return getattr(torch.optim, case.name)(tensors, **case.kwargs)


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_trajectory_matches_torch_step_for_step(case: Case) -> None:
    rng = np.random.default_rng(7)
    ours = [rng.normal(size=shape) for shape in SHAPES]
    tensors = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in ours]
    opt = case.build(ours)
    reference = torch_optimizer(case, tensors)
    for _ in range(STEPS):
        grads = [rng.normal(size=shape) for shape in SHAPES]
        opt.step(grads)
        for tensor, grad in zip(tensors, grads, strict=True):
            tensor.grad = torch.tensor(grad, dtype=torch.float64)
        reference.step()
        for param, tensor in zip(ours, tensors, strict=True):
            assert_close(param, tensor.detach().numpy())
    # The state has the same names and values as torch's (which also keeps a per-tensor step).
    for index, tensor in enumerate(tensors):
        torch_state = reference.state[tensor]
        assert set(opt.state[index]) == set(torch_state) - {"step"}
        for name, array in opt.state[index].items():
            assert_close(array, torch_state[name].numpy())
        if "step" in torch_state:
            assert int(torch_state["step"]) == opt.step_count


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_float32_trajectory_stays_close_to_torch(case: Case) -> None:
    rng = np.random.default_rng(8)
    ours = [rng.normal(size=shape).astype(np.float32) for shape in SHAPES]
    tensors = [torch.tensor(p, requires_grad=True) for p in ours]
    opt = case.build(ours)
    reference = torch_optimizer(case, tensors)
    for _ in range(STEPS):
        grads = [rng.normal(size=shape).astype(np.float32) for shape in SHAPES]
        opt.step(grads)
        for tensor, grad in zip(tensors, grads, strict=True):
            tensor.grad = torch.tensor(grad)
        reference.step()
    for param, tensor in zip(ours, tensors, strict=True):
        assert param.dtype == np.float32
        np.testing.assert_allclose(param, tensor.detach().numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_defaults_are_torchs(name: str) -> None:
    ours = getattr(optim, name)([np.zeros(1)]).hyperparameters
    theirs = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)]).defaults
    assert ours == {key: theirs[key] for key in ours}


@pytest.mark.parametrize(("cls", "name"), NEGATIVE)
def test_torch_also_refuses_what_we_refuse(cls: type[optim.Optimizer], name: str) -> None:
    with pytest.raises(ValueError, match="Invalid"):
        getattr(torch.optim, cls.__name__)([torch.zeros(1, requires_grad=True)], **{name: -0.5})


# --- schedules -----------------------------------------------------------------------------------

TorchScheduler = Callable[[Any], Any]

SCHEDULES: list[tuple[str, Schedule, TorchScheduler]] = [
    (
        "StepLR",
        StepLR(0.1, step_size=7, gamma=0.3),
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.3),
    ),
    (
        "ExponentialLR",
        ExponentialLR(0.1, gamma=0.97),
        lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.97),
    ),
    (
        "CosineAnnealingLR",
        CosineAnnealingLR(0.1, t_max=40, eta_min=1e-3),
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=40, eta_min=1e-3),
    ),
    (
        "LinearLR",
        LinearLR(0.1, start_factor=0.05, end_factor=0.9, total_iters=30),
        lambda o: torch.optim.lr_scheduler.LinearLR(
            o, start_factor=0.05, end_factor=0.9, total_iters=30
        ),
    ),
    (
        "SequentialLR",
        SequentialLR(
            [LinearLR(0.1, start_factor=0.1, total_iters=10), CosineAnnealingLR(0.1, t_max=50)],
            milestones=[10],
        ),
        lambda o: torch.optim.lr_scheduler.SequentialLR(
            o,
            [
                torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=10),
                torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=50),
            ],
            milestones=[10],
        ),
    ),
]


@pytest.mark.parametrize(
    ("schedule", "make_torch_scheduler"),
    [pytest.param(s, t, id=name) for name, s, t in SCHEDULES],
)
def test_schedule_matches_torch_scheduler(
    schedule: Schedule, make_torch_scheduler: TorchScheduler
) -> None:
    parameter = torch.zeros(1, requires_grad=True)
    torch_opt = torch.optim.SGD([parameter], lr=0.1)
    scheduler = make_torch_scheduler(torch_opt)
    ours = optim.SGD([np.zeros(1)], lr=0.1)
    our_scheduler = optim.LRScheduler(ours, schedule)
    for _ in range(80):  # past every milestone, and past T_max where the cosine turns back up
        assert ours.lr == pytest.approx(torch_opt.param_groups[0]["lr"], rel=1e-12, abs=1e-15)
        parameter.grad = torch.zeros(1)
        torch_opt.step()  # torch warns if the scheduler steps before the optimizer
        ours.step([np.zeros(1)])
        scheduler.step()
        our_scheduler.step()
