{% set ns = namespace(hits=0) %}
YARA report ({{ results.date|default('undated') }})
{% for r in results.results if r.plugin == 'yara' %}
{% if r.scan %}
## {{ r.filename|default('payload ' ~ r.payload_id, true) }} [{{ r.sha256|default('no sha256')|truncate(19, true, '') }}]
{% for m in r.scan %}
{% set ns.hits = ns.hits + 1 %}
- {{ m.namespace }}:{{ m.rule }}{% if m.tags %} ({{ m.tags|join(', ') }}){% endif %}

{% for key, value in m.meta|dictsort %}
    {{ key }}: {{ value }}
{% endfor %}
{% for offset, name, data in m.strings %}
    {{ '0x%08x'|format(offset|int) }} {{ name }} = {{ data }}
{% endfor %}
{% endfor %}
{% else %}
## payload {{ r.payload_id }}: no matches
{% endif %}
{% endfor %}
Total hits: {{ ns.hits }}
