# Runs one command and reports what it cost, as JSON: wall seconds, CPU seconds (user + system)
# and peak RSS of the command and everything it started (getrusage of the children).
import json, resource, subprocess, sys, time

started = time.monotonic()
run = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.monotonic() - started
code = run.returncode
if code != 0:
    sys.stderr.write(run.stderr.decode(errors="replace"))
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kb": usage.ru_maxrss}))
