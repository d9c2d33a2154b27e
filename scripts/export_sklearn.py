#!/usr/bin/env python3
"""Writes a fitted scikit-learn LogisticRegression as the JSON model file logitd serves.

    python3 scripts/export_sklearn.py model.joblib iris.json [--name iris]
    python3 scripts/export_sklearn.py model.pkl -              # to standard output

or, from Python, `export(estimator, name=None) -> dict` and `write(estimator, path, name=None)`.

The form is {"coef": coef_.tolist(), "intercept": intercept_.tolist(), "classes": classes_.tolist(),
"name": ...} (see docs/models.md). Numbers are written with Python's repr, the shortest text that reads
back to the same Double, so logitd computes with exactly the fitted weights. A binary model (1×n coef)
is served as scikit-learn serves it: the score z and probabilities [σ(−z), σ(z)]; k > 2 classes are
served as softmax, which is what a multinomial LogisticRegression's predict_proba is.

Only a plain LogisticRegression is exported: anything in front of it (a scaler in a Pipeline) or a
one-vs-rest multi-class model would be served differently from how scikit-learn predicts, so both are
refused with a message. Loading a joblib/pickle file runs code from it: only export files you trust.
"""
import argparse
import json
import math
import pickle
import sys


def export(estimator, name=None):
    """The JSON form of a fitted LogisticRegression, as a dict."""
    from sklearn.linear_model import LogisticRegression

    if not isinstance(estimator, LogisticRegression):
        raise ValueError("expected a fitted sklearn.linear_model.LogisticRegression, got %s"
                         % type(estimator).__name__)
    for attribute in ("coef_", "intercept_", "classes_"):
        if not hasattr(estimator, attribute):
            raise ValueError("the LogisticRegression is not fitted (no %s)" % attribute)
    coef = estimator.coef_.tolist()
    classes = estimator.classes_.tolist()
    if len(coef) > 1 and getattr(estimator, "multi_class", "auto") == "ovr":
        raise ValueError("a one-vs-rest model's predict_proba is not a softmax: fit it multinomial")
    if len(coef) == 1 and len(classes) != 2 or len(coef) > 1 and len(coef) != len(classes):
        raise ValueError("coef_ has %d rows for %d classes" % (len(coef), len(classes)))
    values = [v for row in coef for v in row] + estimator.intercept_.tolist()
    if not all(math.isfinite(v) for v in values):
        raise ValueError("the fitted weights are not all finite")
    out = {"coef": coef, "intercept": estimator.intercept_.tolist(),
           "classes": [c if isinstance(c, (str, int, float, bool)) else str(c) for c in classes]}
    if name is not None:
        out["name"] = name
    return out


def write(estimator, path, name=None):
    """Writes export(estimator, name) to `path` ("-" for standard output)."""
    text = json.dumps(export(estimator, name), allow_nan=False) + "\n"
    if path == "-":
        sys.stdout.write(text)
    else:
        with open(path, "w") as fh:
            fh.write(text)


def load(path):
    """A fitted estimator from a joblib file (joblib.dump) or a plain pickle."""
    try:
        import joblib
        return joblib.load(path)
    except ImportError:
        with open(path, "rb") as fh:
            return pickle.load(fh)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("estimator", help="a joblib or pickle file holding a fitted LogisticRegression")
    parser.add_argument("output", help="the JSON file to write, or - for standard output")
    parser.add_argument("--name", help="the model's name (default: the output file's name)")
    args = parser.parse_args(argv)
    try:
        write(load(args.estimator), args.output, args.name)
    except (ValueError, OSError, pickle.UnpicklingError) as error:
        print("export_sklearn.py: %s: %s" % (args.estimator, error), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
