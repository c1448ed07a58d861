"""Generate the synthetic clinic-booking files used in deploying-models.md.

Run from this folder: python generate.py  (numpy and pandas; seed fixed, so the files are reproducible).
"""
import numpy as np
import pandas as pd

rng = np.random.default_rng(20261130)


def bookings(n, start_id):
    days_ahead = rng.integers(0, 61, n)
    past_misses = rng.poisson(0.8, n).clip(0, 8)
    hour = rng.integers(8, 18, n)
    reminder_sent = rng.integers(0, 2, n)
    logit = -2.4 + 0.035 * days_ahead + 0.55 * past_misses - 0.9 * reminder_sent + 0.12 * (hour < 10)
    missed = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({
        "booking_id": [f"B{start_id + i:05d}" for i in range(n)],
        "days_ahead": days_ahead,
        "past_misses": past_misses,
        "hour": hour,
        "reminder_sent": reminder_sent,
        "missed": missed,
    })


train = bookings(1200, 1)
train.to_csv("bookings_train.csv", index=False)

new = bookings(24, 20001).drop(columns="missed")
# Faults of the kind real extracts contain, so that the schema check has work to do.
new["hour"] = new["hour"].astype(object)
new.loc[5, "hour"] = 25               # a typo in the booking system
new["past_misses"] = new["past_misses"].astype("Int64")
new.loc[11, "past_misses"] = pd.NA     # a new patient's history not yet linked
new.loc[17, "days_ahead"] = -3         # a booking entered after the appointment
new.loc[20, "hour"] = "9am"            # free text in a numeric field
new.to_csv("bookings_new.csv", index=False)
