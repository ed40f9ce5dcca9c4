{{ '42'|int }} {{ 3.9|int }} {{ -3.9|int }} {{ 'x'|int }} {{ none|int }} {{ ''|int }} {{ '3.7'|int }} {{ true|int }} {{ ' 12 '|int }}
{% for r in results.results if r.plugin == 'yara' %}
{% for s in r.scan|map(attribute='strings')|sum(start=[]) %}
{{ s[0]|int + 1 }}
{% endfor %}
{% endfor %}
