"""The reference implementation's rules on tiny cases worked by hand.

Run: /usr/bin/python3 -m unittest discover -s tests/reference (make test does)."""

import hashlib
import os
import unittest

import numpy as np

import march1991 as M

HERE = os.path.dirname(os.path.abspath(__file__))


def state(reality, code, beliefs):
    """One replication: reality and code (m,), beliefs (n, m)."""
    return M.State(np.array([reality], dtype=np.int8), np.array([code], dtype=np.int8),
                   np.array([beliefs], dtype=np.int8))


class Heads:
    """A stand-in generator whose coins all come up +1 and whose uniforms are 0."""

    def choice(self, values, size):
        return np.ones(size, dtype=values.dtype)

    def random(self, size):
        return np.zeros(size)


class Rules(unittest.TestCase):

    def test_knowledge_is_right_minus_wrong_over_m(self):
        self.assertEqual(M.knowledge(np.array([1, 0, -1]), np.array([1, 1, 1])), 0.0)
        self.assertAlmostEqual(M.knowledge(np.array([1, 1, -1]), np.array([1, 1, -1])), 1.0)
        self.assertAlmostEqual(M.knowledge(np.array([1, 0, 0, 0]), np.array([1, 1, 1, 1])), 0.25)

    # Reality (1,1,1,1), code (1,0,0,0): 1 right, score 1. A = (1,1,-1,-1): 2 right,
    # score 0, and acts as it believes. B = (1,1,0,0): 2 right, score 2, and acting on
    # heads where it has no view (1,1,1,1), score 4. C = (0,0,0,0): 0 right, score 0,
    # and acting on heads (1,1,1,1), score 4.
    CASE = ([1, 1, 1, 1], [1, 0, 0, 0], [[1, 1, -1, -1], [1, 1, 0, 0], [0, 0, 0, 0]])

    def test_correct_counts_the_dimensions_right(self):
        votes = M.superior_votes(state(*self.CASE), M.Rules("correct"), Heads())
        self.assertEqual(votes.tolist(), [[2, 2, -1, -1]])          # A and B

    def test_score_takes_off_the_dimensions_wrong(self):
        votes = M.superior_votes(state(*self.CASE), M.Rules("score"), Heads())
        self.assertEqual(votes.tolist(), [[1, 1, 0, 0]])            # B alone

    def test_action_judges_and_teaches_what_members_do(self):
        votes = M.superior_votes(state(*self.CASE), M.Rules("action"), Heads())
        self.assertEqual(votes.tolist(), [[2, 2, 2, 2]])            # B's and C's actions, not A's

    def test_nobody_is_superior_to_a_code_that_knows_everything(self):
        s = state([1, -1], [1, -1], [[1, -1], [0, 0], [-1, 1]])
        for rule in ("correct", "score", "action"):
            self.assertEqual(M.superior_votes(s, M.Rules(rule), Heads()).tolist(), [[0, 0]])

    # Code (1,-1,0), member (-1,0,1), p1 = 1: dimension 2 is untouched (code 0).
    def test_socialisation_adopts_the_code(self):
        s = state([1, 1, 1], [1, -1, 0], [[-1, 0, 1]])
        M.socialise(s, np.array([1.0]), M.Rules(socialise="adopt"), np.random.default_rng(1))
        self.assertEqual(s.beliefs.tolist(), [[[1, -1, 1]]])

    def test_socialisation_steps_toward_the_code(self):
        s = state([1, 1, 1], [1, -1, 0], [[-1, 0, 1]])
        M.socialise(s, np.array([1.0]), M.Rules(socialise="step"), np.random.default_rng(1))
        self.assertEqual(s.beliefs.tolist(), [[[0, -1, 1]]])

    def test_no_socialisation_at_p1_zero(self):
        s = state([1, 1, 1], [1, -1, 1], [[-1, 0, 1]])
        M.socialise(s, np.array([0.0]), M.Rules(), np.random.default_rng(1))
        self.assertEqual(s.beliefs.tolist(), [[[-1, 0, 1]]])

    # Code (0,1,-1,1), votes (2,-3,-1,0), p2 = 1: the majority (1,-1,-1,none)
    # differs from the code on dimensions 0 and 1; dimension 3 has no majority.
    def test_code_adopts_the_majority(self):
        s = state([1, 1, 1, 1], [0, 1, -1, 1], [[0, 0, 0, 0]])
        M.learn_code(s, np.array([[2, -3, -1, 0]]), 1.0, M.Rules(code="adopt"), np.random.default_rng(1))
        self.assertEqual(s.code.tolist(), [[1, -1, -1, 1]])

    def test_code_steps_toward_the_majority(self):
        s = state([1, 1, 1, 1], [0, 1, -1, 1], [[0, 0, 0, 0]])
        M.learn_code(s, np.array([[2, -3, -1, 0]]), 1.0, M.Rules(code="step"), np.random.default_rng(1))
        self.assertEqual(s.code.tolist(), [[1, 0, -1, 1]])

    def test_code_changes_with_chance_one_minus_one_minus_p2_to_the_margin(self):
        reps = 200_000
        s = M.State(np.ones((reps, 1), dtype=np.int8), np.zeros((reps, 1), dtype=np.int8),
                    np.zeros((reps, 1, 1), dtype=np.int8))
        M.learn_code(s, np.full((reps, 1), 2), 0.5, M.Rules(), np.random.default_rng(2))
        share = (s.code == 1).mean()
        self.assertLess(abs(share - 0.75), 4 * np.sqrt(0.75 * 0.25 / reps))   # 1 - 0.5^2

    def test_votes_are_counted_before_socialisation(self):
        # Reality (1,1,1), code (-1,1,0): score 0. The member (1,0,1) scores 2 and
        # votes (1,0,1); socialised first (p1 = 1, adopt) it would be (-1,1,1) and
        # vote to keep the code's -1. Counted before, the code (p2 = 1) becomes (1,1,1).
        s = state([1, 1, 1], [-1, 1, 0], [[1, 0, 1]])
        M.period(s, np.array([1.0]), 1.0, 0.0, 0.0, M.Rules("score", "adopt", "adopt"), np.random.default_rng(3))
        self.assertEqual(s.code.tolist(), [[1, 1, 1]])
        self.assertEqual(s.beliefs.tolist(), [[[-1, 1, 1]]])

    def test_turbulence_flips_reality(self):
        s = state([1, -1, 1], [0, 0, 0], [[0, 0, 0]])
        M.period(s, np.array([0.0]), 0.0, 0.0, 1.0, M.Rules(), np.random.default_rng(4))
        self.assertEqual(s.reality.tolist(), [[-1, 1, -1]])

    def test_turnover_brings_fresh_random_beliefs(self):
        rng = np.random.default_rng(5)
        s = M.State(np.ones((1, 30), dtype=np.int8), np.zeros((1, 30), dtype=np.int8),
                    np.ones((1, 2000, 30), dtype=np.int8))
        M.period(s, np.zeros(2000), 0.0, 1.0, 0.0, M.Rules(), rng)
        for v in (-1, 0, 1):
            self.assertLess(abs((s.beliefs == v).mean() - 1 / 3), 0.01)

    def test_slow_socialisers(self):
        r = M.rates(50, 0.9, slow_share=0.5, slow_p1=0.1)
        self.assertEqual(int((r == 0.1).sum()), 25)
        self.assertEqual(int((r == 0.9).sum()), 25)
        self.assertTrue((M.rates(50, 0.3) == 0.3).all())

    def test_bad_rules_are_refused(self):
        with self.assertRaises(ValueError):
            M.Rules("best")
        with self.assertRaises(ValueError):
            M.Rules(socialise="jump")

    def test_initial_state_is_march_s(self):
        s = M.initial_state(400, 30, 50, np.random.default_rng(6))
        self.assertTrue((s.code == 0).all())
        self.assertLess(abs((s.reality == 1).mean() - 0.5), 0.01)
        for v in (-1, 0, 1):
            self.assertLess(abs((s.beliefs == v).mean() - 1 / 3), 0.005)

    def test_same_seed_same_results(self):
        a = M.simulate(0.5, 0.5, reps=20, periods=30, seed=9)
        b = M.simulate(0.5, 0.5, reps=20, periods=30, seed=9)
        self.assertTrue((a == b).all())

    def test_equilibrium_is_stable_without_turnover_or_turbulence(self):
        path = M.simulate(0.9, 0.9, reps=50, periods=200, rules=M.VARIANTS["christensen"], seed=10, trajectory=True)
        self.assertTrue((path[150] == path[200]).all())


class Table(unittest.TestCase):
    """march_reference.tsv, which the C docking tests read, is this code's output."""

    def test_the_table_comes_from_this_code(self):
        with open(os.path.join(HERE, "march1991.py"), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        with open(os.path.join(HERE, "march_reference.tsv")) as f:
            head = [next(f) for _ in range(3)]
        self.assertIn(f"march1991.py sha256 {digest}", head[1],
                      "march1991.py changed since march_reference.tsv was written: rerun grid.py")
        self.assertEqual(head[2].split("\t")[:3], ["experiment", "variant", "p1"])

    def test_a_cell_of_the_table_reproduces(self):
        # Cell 0 of grid.py (p1 = p2 = 0.1, no turnover or turbulence), its first
        # chunk of 1000 replications, has the table's mean within its noise.
        with open(os.path.join(HERE, "march_reference.tsv")) as f:
            rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
        cols = rows[0]
        first = dict(zip(cols, rows[1]))
        self.assertEqual((first["experiment"], first["p1"], first["p2"], first["p3"], first["p4"]),
                         ("grid", "0.1", "0.1", "0", "0"))
        k = M.simulate(0.1, 0.1, 0.0, 0.0, periods=100, reps=1000, rules=M.VARIANTS["christensen"], seed=[0, 0])
        se = float(first["sd"]) / np.sqrt(1000)
        self.assertLess(abs(k.mean() - float(first["mean"])), 4 * se)


if __name__ == "__main__":
    unittest.main()
