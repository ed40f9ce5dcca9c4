{% if results.results %}
{% set first = results.results[0] %}
keys: {% for k in first.keys() %}{{ k }}{% if not loop.last %},{% endif %}{% endfor %}

{% for v in results.plugins.values() %}
value {{ v }}
{% endfor %}
{% endif %}
