"""Generate the synthetic support-ticket feature files used in monitoring-and-maintenance.md.

reference.csv: 2,000 tickets from the period the triage model was trained on.
current.csv:   600 tickets from the latest week, after a new web contact form went live
               (longer messages, more tickets through the web channel; hours and customer
               tenure unchanged).
Run from this folder: python generate.py  (numpy and pandas; seed fixed, so the files are reproducible).
"""
import numpy as np
import pandas as pd

rng = np.random.default_rng(42)


def tickets(n, words_mu, channel_p):
    return pd.DataFrame({
        "message_words": np.round(rng.lognormal(words_mu, 0.55, n)).astype(int).clip(1, None),
        "hour_received": rng.choice(np.arange(24), n, p=HOURS),
        "tenure_months": np.round(rng.gamma(2.0, 14.0, n)).astype(int),
        "channel": rng.choice(["email", "web", "phone"], n, p=channel_p),
    })


HOURS = np.array([1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 12, 10, 11, 12, 11, 10, 8, 6, 5, 4, 3, 2, 1], float)
HOURS /= HOURS.sum()

tickets(2000, 4.0, [0.55, 0.25, 0.20]).to_csv("reference.csv", index=False)
tickets(600, 4.3, [0.35, 0.50, 0.15]).to_csv("current.csv", index=False)
