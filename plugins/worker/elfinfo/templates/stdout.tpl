{# The elfinfo worker's results as a human summary: per ELF payload, the header, the
   interpreter and libraries, then the segments, sections and dynamic symbols.
   stoq elfinfo -F <file or dir> -T stdout.tpl   (or: stoq render stdout.tpl results.json) #}
{% set max_symbols = 20 %}
{# --split saves each entry as a document of its own: then `results` is the entry. #}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{# stoq scan (`plugin` a list of workers): this worker's part of `scan`. #}
{% set worker_scan = (result.scan.get("elfinfo") if result.scan is mapping else none) if result.plugin is defined and result.plugin is not string else result.scan | default(none) %}
{% if not loop.first %}

{% endif %}
{{ result.filename if result.filename is defined else "(no filename)" }}
{% if result.size is defined %}
    size         {{ result.size }} bytes
{% endif %}
{% if worker_scan is not none and worker_scan and worker_scan.header is defined %}
{% set elf = worker_scan %}
{% set h = elf.header %}
    elf          {{ h.class }}, {{ h.data }}, {{ h.type }}
    machine      {{ h.machine }} ({{ h.os_abi }}), entry {{ h.entry }}
{% if elf.interpreter is defined %}
    interpreter  {{ elf.interpreter }}
{% endif %}
{% if elf.soname is defined %}
    soname       {{ elf.soname }}
{% endif %}
{% if elf.needed %}
    needed       {{ elf.needed | join(", ") }}
{% endif %}
{% if elf.runpath is defined %}
    runpath      {{ elf.runpath }}
{% endif %}
{% if elf.rpath is defined %}
    rpath        {{ elf.rpath }}
{% endif %}
    segments     {{ elf.segments | length }}
{% for segment in elf.segments %}
        {{ segment.type }}  [{{ segment.flags }}]  offset {{ segment.offset }}  vaddr {{ segment.virtual_address }}  file {{ segment.file_size }}  memory {{ segment.memory_size }}
{% endfor %}
    sections     {{ elf.sections | length }}
{% for section in elf.sections %}
{% if section.index > 0 %}
        {{ section.name }}  {{ section.type }}{{ "  [" ~ section.flags ~ "]" if section.flags }}  offset {{ section.offset }}  size {{ section.size }}
{% endif %}
{% endfor %}
{% if elf.dynamic_symbols %}
    symbols      {{ elf.dynamic_symbols | length }} dynamic
{% for symbol in elf.dynamic_symbols %}
{% if loop.index0 > 0 and loop.index0 <= max_symbols %}
        {{ symbol.name }}{{ "@" ~ symbol.version if symbol.version is defined }}  {{ symbol.type }} {{ symbol.bind }}  {{ symbol.section }}
{% endif %}
{% endfor %}
{% if elf.dynamic_symbols | length > max_symbols + 1 %}
        ... and {{ elf.dynamic_symbols | length - max_symbols - 1 }} more
{% endif %}
{% endif %}
{% if elf.errors is defined %}
{% for error in elf.errors %}
    malformed    {{ error }}
{% endfor %}
{% endif %}
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
error   {{ error.plugin }}: {{ error.error }}
{% endfor %}
{% endif %}
