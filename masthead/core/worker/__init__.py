"""What `masthead worker` is made of: loops that outlive a database outage (outage.py), the
task queue's worker (taskloop.py), and the leases that give a dead worker's tasks to the
living (leases.py)."""
