{# The peinfo worker's results as a human summary: per payload, the PE's identity,
   its sections, imports, exports, version strings, signature and what went wrong.
   stoq peinfo -F <file or dir> -T stdout.tpl   (or: stoq render stdout.tpl results.json) #}
{% set max_functions = 6 %}
{# --split saves each entry as a document of its own: then `results` is the entry. #}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{# stoq scan (`plugin` a list of workers): this worker's part of `scan`. #}
{% set worker_scan = (result.scan.get("peinfo") if result.scan is mapping else none) if result.plugin is defined and result.plugin is not string else result.scan | default(none) %}
{% if not loop.first %}

{% endif %}
{{ result.filename if result.filename is defined else "(no filename)" }}
{% if result.sha256 is defined %}
    sha256      {{ result.sha256 }}
{% endif %}
{% if worker_scan is not none and worker_scan is mapping %}
{% set pe = worker_scan %}
    type        {{ pe.pe_type }} {{ pe.machine_type | replace("IMAGE_FILE_MACHINE_", "") }}{{ " DLL" if pe.is_dll }}{{ " driver" if pe.is_driver }}{% if pe.subsystem is defined %}, {{ pe.subsystem | replace("IMAGE_SUBSYSTEM_", "") }}{% endif %}

    compiled    {{ pe.compile_time }}
{% if pe.entrypoint is defined %}
    entrypoint  {{ "0x%x" | format(pe.entrypoint) }} (image base {{ "0x%x" | format(pe.image_base) }})
{% endif %}
    imphash     {{ pe.imphash if pe.imphash else "(no imports)" }}
{% if pe.version_info is defined and pe.version_info.string_file_info %}
    version     {{ pe.version_info.fixed_file_info.file_version if pe.version_info.fixed_file_info is defined else "" }}
{% for table in pe.version_info.string_file_info %}
{% for key, value in table.entries.items() %}
{% if value %}
      {{ "%-17s" | format(key ~ ":") }} {{ value }}
{% endif %}
{% endfor %}
{% endfor %}
{% endif %}
    sections    {{ pe.sections | length }}
{% for section in pe.sections %}
      {{ "%-8s" | format(section.name) }} va {{ "0x%08x" | format(section.virtual_address) }}  raw {{ "%8d" | format(section.raw_size) }}  entropy {{ "%.2f" | format(section.entropy) if section.entropy is defined else "-" }}
{% endfor %}
{% if pe.imports %}
    imports     {{ pe.imports | length }} DLL{{ "s" if pe.imports | length != 1 }}
{% for dll in pe.imports %}
      {{ dll.dll }}: {% for function in dll.functions[:max_functions] %}{{ function.name if function.name is not none else "#" ~ function.ordinal }}{{ ", " if not loop.last }}{% endfor %}{{ ", ... " ~ (dll.functions | length - max_functions) ~ " more" if dll.functions | length > max_functions }}
{% endfor %}
{% endif %}
{% if pe.exports is defined %}
    exports     {{ pe.exports.name }}: {{ pe.exports.functions | length }} function{{ "s" if pe.exports.functions | length != 1 }}
{% endif %}
{% if pe.resources is defined %}
    resources   {{ pe.resources | length }}: {{ pe.resources | map(attribute="type") | unique | join(", ") }}
{% endif %}
{% if pe.debug is defined %}
{% for entry in pe.debug if entry.codeview is defined %}
    pdb         {{ entry.codeview.pdb }}
{% endfor %}
{% endif %}
{% if pe.rich_header is defined %}
    rich        {{ pe.rich_header["values"] | length }} entries
{% endif %}
{% if pe.tls is defined and pe.tls.callbacks %}
    tls         {{ pe.tls.callbacks | length }} callback{{ "s" if pe.tls.callbacks | length != 1 }}
{% endif %}
{% if pe.signature is defined %}
{% for entry in pe.signature.entries %}
{% for cert in entry.certificates if entry.certificates is defined %}
    signed by   {{ cert.subject }}
{% endfor %}
{% endfor %}
{% endif %}
{% if pe.overlay is defined %}
    overlay     {{ pe.overlay.size }} bytes at {{ pe.overlay.offset }}
{% endif %}
{% if pe.errors is defined %}
{% for error in pe.errors %}
    problem     {{ error }}
{% endfor %}
{% endif %}
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
error   {{ error.plugin }}: {{ error.error }}
{% endfor %}
{% endif %}
