{% set ns = namespace(total=0, largest=none, names=[]) %}
{% for r in results.results %}
{% set ns.total = ns.total + r.size %}
{% if ns.largest is none or r.size > ns.largest.size %}
{% set ns.largest = r %}
{% endif %}
{% endfor %}
total={{ ns.total }} largest={{ ns.largest.filename if ns.largest else '-' }}
{{ ns.names }}
