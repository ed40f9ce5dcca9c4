{# iocextract's results as a human summary: per payload, how many indicators of each
   type were found, then the values.
   stoq iocextract -F <file or dir> -T stdout.tpl   (or: stoq render stdout.tpl results.json) #}
{% set labels = {"ipv4": "IPv4 addresses", "ipv6": "IPv6 addresses", "domain": "Domains", "url": "URLs",
                 "email": "E-mail addresses", "md5": "MD5 hashes", "sha1": "SHA1 hashes", "sha256": "SHA256 hashes",
                 "sha512": "SHA512 hashes", "mac_address": "MAC addresses"} %}
{# --split saves each entry as a document of its own: then `results` is the entry. #}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{# stoq scan (`plugin` a list of workers): this worker's part of `scan`. #}
{% set worker_scan = (result.scan.get("iocextract") if result.scan is mapping else none) if result.plugin is defined and result.plugin is not string else result.scan | default(none) %}
{% if not loop.first %}

{% endif %}
{{ result.filename if result.filename is defined else "(payload " ~ loop.index ~ ")" }}
{% if result.sha1 is defined %}
    sha1    {{ result.sha1 }}
{% endif %}
{% set found = namespace(count=0) %}
{% if worker_scan is not none %}
{% for type, values in worker_scan.items() if type != "stix" %}
{% set found.count = found.count + values|length %}
{% endfor %}
{% endif %}
{% if found.count > 0 %}
    found   {{ found.count }} indicators
{% for type, values in worker_scan.items() if type != "stix" %}
    {{ labels.get(type, type) }} ({{ values|length }})
{% for value in values %}
        {{ value }}
{% endfor %}
{% endfor %}
{% if worker_scan.stix is defined %}
    STIX 2.1 bundle {{ worker_scan.stix.id }} ({{ worker_scan.stix.objects|length }} objects)
{% endif %}
{% else %}
    found   no indicators
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
error   {{ error.plugin }}: {{ error.error }}
{% endfor %}
{% endif %}
