"""An independent reference implementation of March's (1991) model of mutual learning.

Written from the paper (J. G. March, "Exploration and exploitation in organizational
learning", Organization Science 2(1), 71-87, the section "Mutual learning in the
development of knowledge") and from what public replications report of March's own
BASIC program, not from turnaround's C code. It shares nothing with it: NumPy arrays of
-1/0/+1 instead of bit sets, NumPy's PCG64 generator instead of GSL's taus2, and every
replication of a cell simulated at once along the first axis.

The paper leaves three rules open, or its text and March's program disagree on them;
each is a choice here (see docs/VALIDATION.md for which the paper supports):

superior   who is in the superior group, the members whose knowledge is better than
           the code's, and what they teach the code:
             "correct"  a member or the code scores the number of dimensions it gets
                        right (the paper's text: beliefs that "correspond with reality
                        on more dimensions than does the code"); members teach their
                        beliefs;
             "score"    right minus wrong, sum of belief x reality (the BASIC program
                        as Watts 2014 transcribes it); members teach their beliefs;
             "action"   right minus wrong of what a member does, a member with no
                        belief on a dimension acting +1 or -1 at random (Christensen
                        2015, from the original program); members teach their actions.
socialise  how a member's belief moves toward a code that differs from it:
             "adopt"    it becomes the code's (the paper's text);
             "step"     one step: an opposite belief becomes 0, a 0 becomes the code's
                        (the BASIC program; Christensen 2015).
code       how the code moves toward the superior group's majority:
             "adopt"    it becomes the majority's (the paper's text; Christensen 2015);
             "step"     one step, opposite to 0, 0 to the majority (the BASIC program
                        as Watts 2014 transcribes it).

Every variant shares the rest, which the paper states: reality has m dimensions of +1 or
-1 with equal chance; the code starts at 0 everywhere; members' beliefs start at -1, 0 or
+1 with equal chance. Each period, in the order of March's program: reality flips on each
dimension with chance p4; each member leaves with chance p3 and is replaced by one with
fresh random beliefs; the superior group is fixed and its votes counted; members socialise
(on each dimension where the code is not 0 and differs from them, with chance p1); the
code learns from the votes counted before socialisation: where the superior group's
majority x differs from the code, with chance 1 - (1 - p2)^k, k the majority's margin.

The measure of knowledge is March's: the sum over dimensions of code x reality, over m.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Rules:
    superior: str = "correct"
    socialise: str = "adopt"
    code: str = "adopt"

    def __post_init__(self):
        if self.superior not in ("correct", "score", "action"):
            raise ValueError(f"superior: expected correct, score or action, found {self.superior!r}")
        if self.socialise not in ("adopt", "step"):
            raise ValueError(f"socialise: expected adopt or step, found {self.socialise!r}")
        if self.code not in ("adopt", "step"):
            raise ValueError(f"code: expected adopt or step, found {self.code!r}")


VARIANTS = {
    "paper": Rules("correct", "adopt", "adopt"),
    "basic": Rules("score", "step", "step"),
    "christensen": Rules("action", "step", "adopt"),
}


@dataclass
class State:
    """reps independent organisations: reality (reps, m), code (reps, m) and beliefs
    (reps, n, m), each entry -1, 0 or +1 (reality only -1 or +1)."""
    reality: np.ndarray
    code: np.ndarray
    beliefs: np.ndarray


def initial_state(reps, m, n, rng):
    reality = rng.choice(np.array([-1, 1], dtype=np.int8), size=(reps, m))
    code = np.zeros((reps, m), dtype=np.int8)
    beliefs = rng.integers(-1, 2, size=(reps, n, m), dtype=np.int8)
    return State(reality, code, beliefs)


def knowledge(code, reality):
    """March's measure: sum over dimensions of code x reality, over m (per replication)."""
    return (code.astype(np.int32) * reality).sum(axis=-1) / code.shape[-1]


def superior_votes(state, rules, rng):
    """The superior group's votes: (reps, m) sums of what its members teach the code."""
    reality = state.reality[:, None, :].astype(np.int32)
    shown = state.beliefs.astype(np.int32)
    if rules.superior == "action":
        coin = rng.choice(np.array([-1, 1], dtype=np.int32), size=shown.shape)
        shown = np.where(shown == 0, coin, shown)
    code = state.code.astype(np.int32)
    if rules.superior == "correct":
        member = (shown == reality).sum(axis=2)
        own = (code == state.reality).sum(axis=1)
    else:
        member = (shown * reality).sum(axis=2)
        own = (code * state.reality).sum(axis=1)
    superior = member > own[:, None]
    return (shown * superior[:, :, None]).sum(axis=1)


def socialise(state, p1, rules, rng):
    """p1: (n,) each member's socialisation rate."""
    code = state.code[:, None, :]
    differs = (code != 0) & (state.beliefs != code)
    moves = differs & (rng.random(state.beliefs.shape) < p1[None, :, None])
    if rules.socialise == "adopt":
        target = np.broadcast_to(code, state.beliefs.shape)
    else:
        target = state.beliefs + code      # -c + c = 0, 0 + c = c
    state.beliefs = np.where(moves, target, state.beliefs).astype(np.int8)


def learn_code(state, votes, p2, rules, rng):
    majority = np.sign(votes).astype(np.int8)
    margin = np.abs(votes)
    differs = (majority != 0) & (majority != state.code)
    changes = differs & (rng.random(state.code.shape) < 1.0 - (1.0 - p2) ** margin)
    if rules.code == "adopt":
        target = majority
    else:
        target = state.code + majority     # -x + x = 0, 0 + x = x
    state.code = np.where(changes, target, state.code).astype(np.int8)


def period(state, p1, p2, p3, p4, rules, rng):
    reps, n, m = state.beliefs.shape
    if p4 > 0:
        flip = rng.random((reps, m)) < p4
        state.reality = np.where(flip, -state.reality, state.reality).astype(np.int8)
    if p3 > 0:
        leave = rng.random((reps, n)) < p3
        fresh = rng.integers(-1, 2, size=state.beliefs.shape, dtype=np.int8)
        state.beliefs = np.where(leave[:, :, None], fresh, state.beliefs)
    votes = superior_votes(state, rules, rng)
    socialise(state, p1, rules, rng)
    learn_code(state, votes, p2, rules, rng)


def rates(n, p1, slow_share=0.0, slow_p1=0.1):
    """Each member's socialisation rate: round(slow_share x n) members at slow_p1."""
    slow = int(round(slow_share * n))
    r = np.full(n, float(p1))
    r[:slow] = slow_p1
    return r


def simulate(p1, p2, p3=0.0, p4=0.0, m=30, n=50, periods=100, reps=500, rules=VARIANTS["paper"],
             seed=1, slow_share=0.0, slow_p1=0.1, trajectory=False):
    """Knowledge of the code after each period for reps replications.

    Returns an array (reps,) of knowledge after the last period, or with trajectory=True
    (periods + 1, reps), period 0 first."""
    rng = np.random.default_rng(seed)
    state = initial_state(reps, m, n, rng)
    p1s = rates(n, p1, slow_share, slow_p1)
    path = [knowledge(state.code, state.reality)]
    for _ in range(periods):
        period(state, p1s, p2, p3, p4, rules, rng)
        if trajectory:
            path.append(knowledge(state.code, state.reality))
    if trajectory:
        return np.array(path)
    return knowledge(state.code, state.reality)
