{{ ''|default('empty', true) }} {{ none|default('none', true) }} {{ 0|default('zero', true) }} {{ []|default('list', boolean=true) }}
{{ 'set'|default('x', true) }} {{ results.tlp|d('no tlp', true) }}
{% for r in results.results %}
{{ r.filename|default('(unnamed)', true) }}
{% endfor %}
