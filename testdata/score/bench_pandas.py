#!/usr/bin/env python3
"""Reference point for `kaohe score` on files: the same core work in pandas.

Reads the files written by `kaohe score --synth 100000x40 --dir DIR`
(scheme.json, entities.csv, values.csv), normalises every indicator by
min-max within each comparison group (reversed for lower-is-better
indicators), takes the weighted mean up the two-level tree (weights
normalised within each parent and re-normalised over the indicators an
entity has), ranks the totals within each group (ties share the smallest
rank) and writes results.csv. It does not winsorise, impute, grade or run
Monte Carlo draws, so it does less than Kaohe does.

Usage, timed the same way as Kaohe (docs/benchmarks.md):

    /usr/bin/time -v python3 testdata/score/bench_pandas.py DIR OUT.csv

Needs pandas and numpy.
"""
import json
import sys

import numpy as np
import pandas as pd


def main(d, out):
    with open(f"{d}/scheme.json", encoding="utf-8") as f:
        scheme = json.load(f)
    ents = pd.read_csv(f"{d}/entities.csv", dtype={"entity": str, "group": str})
    vals = pd.read_csv(f"{d}/values.csv", dtype={"entity": str, "indicator": str, "value": float})
    wide = vals.pivot(index="entity", columns="indicator", values="value")
    wide = wide.reindex(ents["entity"])
    group = ents.set_index("entity")["group"]

    inds = scheme["indicators"]
    leaves = [i for i in inds if i["code"] in wide.columns]
    dims = [i for i in inds if not i.get("parent") and i["code"] not in wide.columns]

    # Min-max within group, 0-100.
    g = wide.groupby(group.values)
    lo, hi = g.transform("min"), g.transform("max")
    span = (hi - lo).replace(0, np.nan)
    norm = 100 * (wide - lo) / span
    norm = norm.where(span.notna(), 100.0).where(wide.notna())
    for i in leaves:
        if i.get("direction") == "lower":
            norm[i["code"]] = 100 - norm[i["code"]]

    # Weighted mean within each dimension, re-normalised over available data.
    dim_scores = {}
    for dm in dims:
        kids = [i for i in leaves if i.get("parent") == dm["code"]]
        cols = [k["code"] for k in kids]
        w = np.array([float(k.get("weight", 1)) for k in kids])
        x = norm[cols].to_numpy()
        have = ~np.isnan(x)
        num = np.nansum(x * w, axis=1)
        den = (have * w).sum(axis=1)
        dim_scores[dm["code"]] = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    ds = pd.DataFrame(dim_scores, index=wide.index)
    w = np.array([float(dm.get("weight", 1)) for dm in dims])
    x = ds.to_numpy()
    have = ~np.isnan(x)
    total = np.nansum(x * w, axis=1) / (have * w).sum(axis=1)

    res = pd.DataFrame({"entity": wide.index, "group": group.reindex(wide.index).values, "total": total})
    res["rank"] = res.groupby("group")["total"].rank(method="min", ascending=False).astype(int)
    res = pd.concat([res, ds.reset_index(drop=True)], axis=1)
    res.to_csv(out, index=False, float_format="%.17g")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: bench_pandas.py DIR OUT.csv")
    main(sys.argv[1], sys.argv[2])
