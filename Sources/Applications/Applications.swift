// Applications module
