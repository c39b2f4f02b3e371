import sys, time, datetime as dt
from benchmarks.schedule_bench import generate_tight, TODAY
from mppdesk.lib.scheduling import schedule, greedy_schedule, prepare, verify
from mppdesk.lib.scheduling.exact import exact_schedule
n = int(sys.argv[1]); seed = int(sys.argv[2]) if len(sys.argv) > 2 else 11
units, slots, ports = generate_tight(n, seed)
print(len(units), sum(u.size for u in units), len(slots), sum(s.room for s in slots))
inst = prepare(units, slots, today=TODAY, ports=ports)
t=time.perf_counter(); h = schedule(units, slots, today=TODAY, ports=ports); th=time.perf_counter()-t
t=time.perf_counter(); e = exact_schedule(units, slots, today=TODAY, ports=ports, time_limit=300); te=time.perf_counter()-t
for r, tt in ((h, th), (e, te)):
    print(r.method, round(tt,2), r.stats["people_placed"], round(r.objective,1), r.lp_bound, verify(inst, r.assignments)[:3], r.stats.get("proven"))
print("excess", h.objective / e.objective - 1)
