{{ results.nothing.x|int }}
