{{ '1e3'|int }} {{ '1_000'|int }} {{ ' -42\n'|int }} {{ '+7'|int }} {{ '99999999999'|int }} {{ 'inf'|float }} {{ '-inf'|float }} {{ '1_0.5'|float }}
{{ 1e16|int }} {{ -0.0|int }} {{ 2.9999|int }} {{ '0x1A'|int(base=16) }} {{ 'z'|int(base=36) }} {{ '10'|int(base=2) }} {{ '12'|int(base=2) }} {{ true|float }}
