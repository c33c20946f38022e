#!/usr/bin/env python3
"""Which process takes the machine's CPU during a benchmark (issue 12; not run in CI).

Runs the command given after `--` (e.g. scripts/bench/sustained.sh postgresql 8000 0 3) and samples, every second,
the CPU time of the worker's JVM (`java -jar ...whatsapp-worker.jar`), the harness's JVM (any other java),
PostgreSQL's processes and RabbitMQ's (beam.smp and its helpers), from /proc/<pid>/stat. Prints, over the seconds
the worker was busy (more than half a core), how many cores each group used on average, and their sum: with two
cores, a sum near 2 means the box is saturated.

    scripts/bench/cpu-share.py -- bash scripts/bench/sustained.sh postgresql 8000 0 3
"""
import collections
import os
import subprocess
import sys
import threading
import time

TICKS = os.sysconf('SC_CLK_TCK')


def group(pid):
    try:
        with open(f'/proc/{pid}/comm') as f:
            comm = f.read().strip()
        if comm == 'java':
            with open(f'/proc/{pid}/cmdline') as f:
                command = f.read()
            return 'worker' if '-jar' in command and 'whatsapp-worker.jar' in command else 'harness'
        if comm.startswith('postgres'):
            return 'postgresql'
        if comm.startswith('beam') or comm in ('erl_child_setup', 'epmd', 'inet_gethost'):
            return 'rabbitmq'
    except OSError:
        pass
    return None


def cpu_ticks(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def sample(seconds, stop):
    last = {}
    while not stop.is_set():
        used = collections.Counter()
        for pid in filter(str.isdigit, os.listdir('/proc')):
            name = group(pid)
            if name is None:
                continue
            try:
                ticks = cpu_ticks(pid)
            except OSError:
                continue
            if pid in last:  # a process seen for the first time counts from its second sample
                used[name] += (ticks - last[pid]) / TICKS
            last[pid] = ticks
        seconds.append(used)
        stop.wait(1)


def main():
    if '--' not in sys.argv or sys.argv.index('--') == len(sys.argv) - 1:
        sys.exit('usage: scripts/bench/cpu-share.py -- <benchmark command and its arguments>')
    command = sys.argv[sys.argv.index('--') + 1:]
    seconds, stop = [], threading.Event()
    sampler = threading.Thread(target=sample, args=(seconds, stop), daemon=True)
    sampler.start()
    exit_code = subprocess.call(command)
    stop.set()
    sampler.join()
    busy = [used for used in seconds if used['worker'] > 0.5]
    if not busy:
        print('cpu-share: the worker was never busy (more than half a core) during the command')
        return exit_code
    total = collections.Counter()
    for used in busy:
        total.update(used)
    shares = ', '.join(f'{name} {total[name] / len(busy):.2f}'
                       for name in ('worker', 'postgresql', 'rabbitmq', 'harness'))
    print(f'cpu-share: cores used on average over the {len(busy)} s the worker was busy: {shares}; '
          f'all {sum(total.values()) / len(busy):.2f} of {os.cpu_count()}')
    return exit_code


if __name__ == '__main__':
    sys.exit(main())
