{{ 4 is divisibleby 0 }}
