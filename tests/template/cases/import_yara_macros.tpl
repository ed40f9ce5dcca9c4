{% import '_lib/yara.tpl' as y %}
{% for r in results.results if r.plugin == 'yara' %}
{% for m in r.scan %}
- {{ y.summary(m) }}
{% endfor %}
{% endfor %}
