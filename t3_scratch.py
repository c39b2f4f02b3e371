import sys, time
from benchmarks.schedule_bench import generate_tight, TODAY
from mppdesk.lib.scheduling import schedule, prepare, verify
import mppdesk.lib.scheduling.improve as imp
imp.FULL_VARS = int(sys.argv[2]); imp.WINDOW_VARS = int(sys.argv[3])
units, slots, ports = generate_tight(int(sys.argv[1]), int(sys.argv[4]) if len(sys.argv) > 4 else 11)
inst = prepare(units, slots, today=TODAY, ports=ports)
t=time.perf_counter(); h = schedule(units, slots, today=TODAY, ports=ports); th=time.perf_counter()-t
print(round(th,2), h.stats["people_placed"], round(h.objective,1), h.lp_bound, {k:v for k,v in h.stats.items() if k.startswith("improve")}, verify(inst, h.assignments)[:2])
