{% for r in results.results if r.plugin == 'yara' %}
{% set outer = loop %}
{% for m in r.scan %}
{{ outer.index }}.{{ loop.index }} {{ m.rule }}{% for t in m.tags %} #{{ t }}{% endfor %}

{% endfor %}
{% endfor %}
