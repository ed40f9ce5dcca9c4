{{ 0.5|round }} {{ 1.5|round }} {{ 2.5|round }} {{ -0.5|round }} {{ 7|round(2) }} {{ 1234|round(-2) }} {{ 1250|round(-2) }} {{ 1.005|round(2) }} {{ 2.675|round(2, 'ceil') }}
{{ 1e16|round }} {{ 0.1|round(20) }} {{ -1.5|round(0, 'floor') }} {{ 1.23456789|round(5, 'floor') }} {{ 15|round(-1, 'ceil') }} {{ 15|round(-1, 'floor') }}
