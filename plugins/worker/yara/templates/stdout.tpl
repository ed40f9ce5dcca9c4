{# The yara worker's results as a human summary: per payload, each rule that
   matched with its tags, its meta and its first string matches.
   stoq yara -F <file or dir> -T stdout.tpl   (or: stoq render stdout.tpl results.json) #}
{% set max_strings = 5 %}
{# --split saves each entry as a document of its own: then `results` is the entry. #}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{# stoq scan (`plugin` a list of workers): this worker's part of `scan`. #}
{% set worker_scan = (result.scan.get("yara") if result.scan is mapping else none) if result.plugin is defined and result.plugin is not string else result.scan | default(none) %}
{% if not loop.first %}

{% endif %}
{{ result.filename if result.filename is defined else "(no filename)" }}
{% if result.sha1 is defined %}
    sha1    {{ result.sha1 }}
{% endif %}
{% if result.size is defined %}
    size    {{ result.size }} bytes
{% endif %}
{% set matches = worker_scan if worker_scan is not none and worker_scan is sequence and worker_scan is not string else [] %}
{% set matches = matches | selectattr("rule", "defined") | list %}
{% if matches %}
    yara    {{ matches | length }} rule{{ "s" if matches | length != 1 }} matched
{% for match in matches %}
{% set name = match.rule if match.namespace is not defined or match.namespace == "default" else match.namespace ~ ":" ~ match.rule %}
    rule    {{ name }}{{ "  [" ~ match.tags | join(", ") ~ "]" if match.tags is defined and match.tags }}
{% if match.meta is defined and match.meta is mapping %}
{% for key, value in match.meta.items() %}
            {{ key }} = {{ value }}
{% endfor %}
{% endif %}
{% if match.strings is defined and match.strings %}
{% for string in match.strings[:max_strings] %}
            at {{ string[0] }}  {{ string[1] }}  {{ string[2] }}
{% endfor %}
{% if match.strings | length > max_strings %}
            ... {{ match.strings | length - max_strings }} more string matches
{% endif %}
{% endif %}
{% endfor %}
{% elif worker_scan is not none and worker_scan is not none %}
    yara    no rule matched
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
error   {{ error.plugin }}: {{ error.error }}
{% endfor %}
{% endif %}
