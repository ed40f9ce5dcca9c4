{{ missing.x }}
