import sys, time
from collections import Counter
from benchmarks.schedule_bench import generate, TODAY
from mppdesk.lib.scheduling import schedule, prepare
n = int(sys.argv[1])
units, slots, ports = generate(n, 7)
t=time.perf_counter(); h = schedule(units, slots, today=TODAY, ports=ports); print("time", time.perf_counter()-t)
print(h.method, h.stats, h.gap)
print(Counter(str(r) for r in h.unassigned.values()))
by = {u.id: u for u in units}
print(Counter((by[k].venue, by[k].language, by[k].size) for k, r in h.unassigned.items() if not r.structural).most_common(20))
