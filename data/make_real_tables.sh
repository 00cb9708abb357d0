#!/usr/bin/env bash
# Writes the real tables registered by name (plugins/datasets/real_tables.cpp)
# from the Debian packages that ship them: breast_cancer.csv and wine.csv
# from scikit-learn's bundled data (python3-sklearn), diamonds.csv from
# ggplot2's (r-cran-ggplot2). Run from this folder to rewrite the files.
set -euo pipefail
/usr/bin/python3 - <<'PY'
import csv
from sklearn.datasets import load_breast_cancer, load_wine
for name, load, target in (("breast_cancer", load_breast_cancer, "diagnosis"),
                           ("wine", load_wine, "cultivar")):
    data = load()
    with open(f"{name}.csv", "w", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow([c.replace(" ", "_").replace("/", "_") for c in data.feature_names] + [target])
        for row, label in zip(data.data, data.target):
            w.writerow([repr(float(v)).removesuffix(".0") if float(v).is_integer() else repr(float(v))
                        for v in row] + [data.target_names[label]])
PY
Rscript -e 'write.csv(ggplot2::diamonds, "diamonds.csv", row.names = FALSE, quote = FALSE)'
