#!/usr/bin/env python3
"""Writes churn.csv: a synthetic customer table the way such tables come,
with an id column, words, integer codes, missing cells and a yes/no label.

Deterministic (seeded); run from this folder to rewrite the file."""
import csv
import math
import random

random.seed(20261201)
REGIONS = ["north", "south", "east", "west"]
PLANS = ["basic", "plus", "premium"]
ROWS = 1200

with open("churn.csv", "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["customer_id", "region", "plan", "tenure_months", "monthly_charge",
                "support_calls", "satisfaction", "churned"])
    for i in range(ROWS):
        region = random.choice(REGIONS)
        plan = random.choices(PLANS, weights=[5, 3, 2])[0]
        tenure = random.randint(1, 72)
        charge = {"basic": 25, "plus": 55, "premium": 90}[plan] + random.gauss(0, 8)
        calls = min(9, int(random.expovariate(0.6)))
        satisfaction = random.randint(1, 5)  # an integer code: a category
        z = (-1.2 + 0.45 * calls - 0.04 * tenure + 0.015 * (charge - 50)
             + {"north": 0.0, "south": 0.5, "east": -0.4, "west": 0.2}[region]
             + {1: 1.0, 2: 0.5, 3: 0.0, 4: -0.4, 5: -0.8}[satisfaction])
        churned = "yes" if random.random() < 1 / (1 + math.exp(-z)) else "no"
        row = [f"C{i:05d}", region, plan, tenure, f"{charge:.2f}", calls, satisfaction, churned]
        # Cells missing as exported tables have them: empty, NA.
        if random.random() < 0.04:
            row[4] = random.choice(["", "NA"])
        if random.random() < 0.03:
            row[1] = ""
        w.writerow(row)
