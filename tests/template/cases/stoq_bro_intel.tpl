#fields	indicator	indicator_type	meta.source	meta.desc
{% set types = {'ipv4': 'Intel::ADDR', 'domain': 'Intel::DOMAIN', 'url': 'Intel::URL', 'email': 'Intel::EMAIL', 'md5': 'Intel::FILE_HASH', 'sha256': 'Intel::FILE_HASH'} %}
{% for r in results.results if r.plugin == 'iocextract' %}
{% for kind, indicators in r.scan.items() if kind in types %}
{% for i in indicators|unique %}
{{ i }}	{{ types[kind] }}	stoq-{{ r.plugin }}	{{ r.filename|default('-', true) }}
{% endfor %}
{% endfor %}
{% endfor %}
