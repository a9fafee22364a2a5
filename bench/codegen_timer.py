"""The NumPy side of the cheap-gradient benchmark, run by bench/codegen.ts as a child process:
python3 codegen_timer.py DIR JOBS.json BUDGET_SECONDS. For each job it imports DIR/<module>.py (a
generated module), reads the arguments from raw float64 files (column-major), times value and gradient
in turn, and prints {"numpy": version, "times": [{value, gradient}, ...]} in seconds per call."""
import importlib
import json
import sys
import time

import numpy as np


def interleaved(budget, fns, least=5):
    """Median seconds per call of each function, called in turn (so that all see the same machine)."""
    for f in fns:
        f()
    samples, start = [[] for _ in fns], time.perf_counter()
    while len(samples[0]) < least or time.perf_counter() - start < budget:
        for f, s in zip(fns, samples):
            t = time.perf_counter()
            f()
            s.append(time.perf_counter() - t)
    return [sorted(s)[len(s) // 2] for s in samples]


def main():
    directory, jobs, budget = sys.argv[1], sys.argv[2], float(sys.argv[3])
    sys.path.insert(0, directory)
    out = []
    with open(jobs) as f:
        for job in json.load(f):
            m = importlib.import_module(job['module'])
            args = {name: np.fromfile(v['file'], dtype='<f8').reshape(v['cols'], v['rows']).T.copy() for name, v in job['args'].items()}
            value, gradient = interleaved(budget, [lambda: m.value(**args), lambda: m.gradient(**args)])
            out.append({'value': value, 'gradient': gradient})
    print(json.dumps({'numpy': np.__version__, 'times': out}))


if __name__ == '__main__':
    main()
