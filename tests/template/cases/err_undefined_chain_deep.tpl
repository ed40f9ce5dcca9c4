{{ results.nothing.deeper }}
