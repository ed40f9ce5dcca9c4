{{ 'x'|int(-1) }} {{ 'ff'|int(base=16) }} {{ '0x1F'|int(0, 16) }} {{ '0b101'|int(0, 2) }} {{ '777'|int(0, 8) }} {{ 'zz'|int(default=7, base=16) }} {{ '0x10'|int(base=0) }}
