{{ 2.1|round(method='ceil') }} {{ 2.9|round(method='floor') }} {{ -2.1|round(0, 'floor') }} {{ -2.1|round(0, 'ceil') }}
{{ 3.14159|round(2, 'floor') }} {{ 3.14159|round(2, 'ceil') }} {{ 5|round(method='ceil') }} {{ 0.5|round(method='common') }}
