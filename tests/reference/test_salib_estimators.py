"""The SALib estimators' reimplementation on cases with known answers.

Run: /usr/bin/python3 -m unittest discover -s tests/reference (make test does)."""

import math
import unittest

import numpy as np

import salib_estimators as S


def saltelli_random(n, d, rng, lo, hi):
    """A Saltelli design in SALib's order from plain random A and B (not a Sobol sequence)."""
    a = lo + (hi - lo) * rng.random((n, d))
    b = lo + (hi - lo) * rng.random((n, d))
    rows = []
    for j in range(n):
        rows.append(a[j])
        for i in range(d):
            ab = a[j].copy()
            ab[i] = b[j, i]
            rows.append(ab)
        rows.append(b[j])
    return np.array(rows)


class Sobol(unittest.TestCase):

    def test_analytic_ishigami_indices(self):
        first, total = S.ishigami_indices()
        self.assertAlmostEqual(first[0], 0.3139, places=4)
        self.assertAlmostEqual(first[1], 0.4424, places=4)
        self.assertAlmostEqual(total[0], 0.5576, places=4)
        self.assertAlmostEqual(total[2], 0.2437, places=4)

    def test_ishigami_with_an_offset_and_a_dummy(self):
        # 20000 random base points: standard errors below 0.01.
        x = saltelli_random(20000, 4, np.random.default_rng(3), -math.pi, math.pi)
        s1, s1c, st, stc = S.sobol_indices(S.ishigami(x) + 1000.0, 4, resamples=100)
        first, total = S.ishigami_indices()
        for i in range(3):
            self.assertLess(abs(s1[i] - first[i]), 0.03)
            self.assertLess(abs(st[i] - total[i]), 0.03)
            self.assertTrue(0 < s1c[i] < 0.05)
        self.assertEqual(s1[3], 0.0)
        self.assertEqual(st[3], 0.0)

    def test_the_offset_changes_nothing(self):
        x = saltelli_random(500, 3, np.random.default_rng(4), -math.pi, math.pi)
        a = S.sobol_indices(S.ishigami(x), 3, resamples=50, seed=9)
        b = S.sobol_indices(S.ishigami(x) + 1e6, 3, resamples=50, seed=9)
        for u, v in zip(a, b):
            np.testing.assert_allclose(u, v, rtol=1e-6, atol=1e-9)

    def test_block_order_is_refused(self):
        x = saltelli_random(4, 2, np.random.default_rng(5), 0.0, 1.0)
        S.check_saltelli_order(x)
        blocks = np.concatenate([x[0::4], x[3::4], x[1::4], x[2::4]])   # A, B, AB_1, AB_2
        with self.assertRaises(S.DesignError):
            S.check_saltelli_order(blocks)

    def test_noise_floor_is_the_dummy_total(self):
        rng = np.random.default_rng(6)
        x = saltelli_random(8000, 4, rng, -math.pi, math.pi)
        reps = rng.normal(0.0, 2.0, size=(x.shape[0], 3)) + (S.ishigami(x) + 50.0)[:, None]
        y = reps.mean(axis=1)
        _, _, st, _ = S.sobol_indices(y, 4, resamples=20)
        _, total = S.sobol_noise(y, 4, reps.var(axis=1, ddof=1).mean() / 3)
        self.assertLess(abs(st[3] - total) / total, 0.1)


class Morris(unittest.TestCase):

    def test_linear_effects(self):
        # Two trajectories over (x1, x2), y = 3 x1: x1's effects are 3 whichever way it steps.
        x = np.array([[0, 0], [2 / 3, 0], [2 / 3, 2 / 3], [1, 1 / 3], [1 / 3, 1 / 3], [1 / 3, 1]])
        mu_star, conf, mu, sigma = S.morris_indices(x, 3 * x[:, 0], resamples=10)
        np.testing.assert_allclose(mu_star, [3, 0])
        np.testing.assert_allclose(mu, [3, 0])
        np.testing.assert_allclose(sigma, [0, 0], atol=1e-12)


if __name__ == "__main__":
    unittest.main()
