{{ 'x' is string }} {{ 1 is string }} {{ 1 is number }} {{ 1.5 is number }} {{ true is number }} {{ '1' is number }}
{{ results.tlp is string }} {{ results.payloads is number }} {{ none is string }} {{ nothing is string }}
