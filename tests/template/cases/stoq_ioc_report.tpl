{% set kinds = ['ipv4', 'ipv6', 'domain', 'url', 'email', 'md5', 'sha256'] %}
{% for r in results.results if r.plugin == 'iocextract' %}
IOCs in {{ r.filename }} (TLP:{{ results.tlp|upper }}):
{% for kind in kinds if r.scan[kind] %}
  {{ kind }} ({{ r.scan[kind]|unique|list|length }}):
{% for ioc in r.scan[kind]|unique|sort %}
    - {{ ioc|replace('.', '[.]') if kind in ['ipv4', 'domain', 'url', 'email'] else ioc }}
{% endfor %}
{% endfor %}
{% else %}
no IOC extraction results
{% endfor %}
