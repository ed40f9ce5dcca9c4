{{ -0.0|round(2, 'floor') }} {{ -0.4|round }} {{ -0.4|round(0, 'ceil') }} {{ 0.0|round(1, 'floor') }}
