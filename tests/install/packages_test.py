#!/usr/bin/env python3
"""Plugin packages from a clean prefix, as a user meets them (issue 13).

  tests/install/packages_test.py --prefix <stoq installed with cmake --install> [--work DIR]

With only <prefix> (bin/stoq, lib/, include/, lib/cmake/stoq, share/stoq/examples) and the
system's compilers: `stoq new` writes a package for every category, `stoq install` builds
and installs it, `stoq list` shows it, and each does its small real thing in a real run;
the packages' own PluginHarness tests build and pass against the prefix; installing over
an existing plugin, upgrading, a failed build, a module failing the handshake and hostile
archives leave the installed plugins as they were. Oracles: hashlib, Python's own reading
of the inputs, the example files in the prefix (byte for byte).
"""
import argparse
import filecmp
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
import zipfile

ARGS = None
CATEGORIES = ["worker", "connector", "reader", "source", "extractor", "carver", "decoder", "decorator"]
EXAMPLES = {"worker": "basicworker", "connector": "basicconnector", "reader": "basicreader", "source": "filesource",
            "extractor": "exampleextractor", "carver": "examplecarver", "decoder": "exampledecoder",
            "decorator": "exampledecorator"}
SAMPLE = b"MZ\x90\x00 sample payload\nsecond line\r\nthird line\n"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class Env:
    """A work folder with its own stoq.cfg (STOQ_HOME) whose one plugin dir is empty."""

    def __init__(self, root):
        self.root = root
        self.plugins = os.path.join(root, "plugins")
        self.config = os.path.join(root, "stoq.cfg")
        os.makedirs(self.plugins, exist_ok=True)
        self.write_config()

    def write_config(self, extra=""):
        with open(self.config, "w") as out:
            out.write("[core]\n")
            for key in ("results_dir", "log_dir", "archive_base", "temp_dir"):
                out.write(f"{key} = {os.path.join(self.root, key)}\n")
            out.write(f"plugin_dir_list = {self.plugins}\n{extra}")

    def stoq(self, *args, check=True, cwd=None, path_first=None):
        env = dict(os.environ, STOQ_HOME=self.root, HOME=self.root)
        if path_first:
            env["PATH"] = path_first + os.pathsep + env.get("PATH", "")
        # ccache, when the machine has it, keeps repeated builds of the same sources short.
        if shutil.which("ccache"):
            env.setdefault("CMAKE_CXX_COMPILER_LAUNCHER", "ccache")
        done = subprocess.run([os.path.join(ARGS.prefix, "bin", "stoq"), *args, "--config", self.config],
                              capture_output=True, text=True, cwd=cwd or self.root, env=env, timeout=900)
        if check and done.returncode != 0:
            raise AssertionError(f"stoq {' '.join(args)} -> {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def documents(self, done):
        decoder = json.JSONDecoder()
        text, at, docs = done.stdout, 0, []
        while True:
            while at < len(text) and text[at].isspace():
                at += 1
            if at >= len(text):
                return docs
            doc, at = decoder.raw_decode(text, at)
            docs.append(doc)

    def write(self, relative, data):
        path = os.path.join(self.root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(data)
        return path


def tree_digest(folder):
    """sha256 of every file under folder, by relative path: to prove nothing changed."""
    digests = {}
    for base, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(base, name)
            with open(path, "rb") as f:
                digests[os.path.relpath(path, folder)] = sha256(f.read())
    return digests


class NewAndInstall(unittest.TestCase):
    """stoq new + stoq install for every category, then a real run of each."""

    @classmethod
    def setUpClass(cls):
        cls.env = Env(os.path.join(ARGS.work, "every-category"))
        for category in CATEGORIES:
            package = os.path.join(cls.env.root, "packages", f"my_{category}")
            cls.env.stoq("new", category, f"my_{category}", package)
            done = cls.env.stoq("install", package)
            assert "[+] Install complete." in done.stdout, done.stdout

    def test_stoq_list_shows_every_new_plugin(self):
        listing = self.env.stoq("list").stdout
        for category in CATEGORIES:
            section = listing.split(f"\n{category}\n")[-1] if category != "worker" else listing
            self.assertIn(f"my_{category}", section.split("\n\n")[0], listing)

    def test_installed_layout(self):
        for category in CATEGORIES:
            folder = os.path.join(self.env.plugins, category, f"my_{category}")
            self.assertTrue(os.path.isfile(os.path.join(folder, f"my_{category}.so")), folder)
            self.assertTrue(os.path.isfile(os.path.join(folder, f"my_{category}.stoq")), folder)
        leftovers = [n for n in os.listdir(self.env.plugins) if n.startswith(".stoq-install")]
        self.assertEqual(leftovers, [])

    def test_worker_reports_size_and_first_bytes_and_calls_readers(self):
        sample = self.env.write("in/sample.bin", SAMPLE)
        doc = self.env.documents(self.env.stoq("my_worker", "-F", sample, "--reader", "my_reader"))[0]
        scan = doc["results"][0]["scan"]
        self.assertEqual(scan["size"], len(SAMPLE))
        self.assertEqual(scan["head"], SAMPLE[:16].hex())
        self.assertEqual(scan["filename"], "sample.bin")
        # the reader package, reached by name from the worker package
        # invalid UTF-8 (0x90) is saved as U+FFFD, as Python's "replace" decodes it
        expected_lines = [line.rstrip("\r") for line in SAMPLE.decode("utf-8", "replace").split("\n")[:-1]]
        self.assertEqual(scan["read"]["lines"], expected_lines)
        self.assertEqual(doc["results"][0]["sha256"], sha256(SAMPLE))

    def test_connector_saves_json_lines(self):
        sample = self.env.write("in/sample.bin", SAMPLE)
        out = os.path.join(self.env.root, "connector-out")
        self.env.stoq("hash", "-F", sample, "-C", "my_connector", "-O", out)
        with open(os.path.join(out, "hash.jsonl")) as lines:
            docs = [json.loads(line) for line in lines]
        self.assertEqual(len(docs), 1)
        self.assertEqual(docs[0]["results"][0]["scan"]["sha256"], sha256(SAMPLE))

    def test_source_queues_the_listed_paths(self):
        a = self.env.write("in/a.txt", b"alpha")
        b = self.env.write("in/b.txt", b"bravo")
        listing = self.env.write("in/list.txt", f"{a}\n# not this\n\n{b}\n".encode())
        docs = self.env.documents(self.env.stoq("hash", "-I", "my_source", "-F", listing))
        got = sorted(d["results"][0]["scan"]["sha256"] for d in docs)
        self.assertEqual(got, sorted([sha256(b"alpha"), sha256(b"bravo")]))

    def dispatched_children(self, rule, payload):
        rules = self.env.write("rules/route.yar", rule.encode())
        env = Env(os.path.join(self.env.root, "dispatch-" + sha256(rule.encode())[:8]))
        env.plugins = self.env.plugins
        env.write_config(f"dispatch_rules = {rules}\n")
        sample = env.write("in/payload", payload)
        doc = env.documents(env.stoq("hash", "-D", "-F", sample))[0]
        self.assertNotIn("errors", doc, doc)
        return [entry["scan"]["sha256"] for entry in doc["results"][1:]]

    def test_extractor_children_are_the_parts(self):
        payload = b"first part\n-----8<-----\nsecond part\n-----8<-----\nthird"
        children = self.dispatched_children(
            'rule parts { meta: plugin = "extractor:my_extractor" strings: $a = "-----8<-----" condition: $a }',
            payload)
        self.assertEqual(children, [sha256(p) for p in payload.split(b"\n-----8<-----\n")])

    def test_carver_children_are_the_embedded_pdfs(self):
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"
        payload = b"mail body\n" + pdf + b"\nsignature"
        children = self.dispatched_children(
            'rule pdf { meta: plugin = "carver:my_carver" strings: $a = "%PDF-" condition: $a and not $a at 0 }',
            payload)
        self.assertEqual(children, [sha256(pdf)])

    def test_decoder_child_is_the_reversed_payload(self):
        payload = b"XX edom SOD ni nur eb tonnac margorp sihT"
        children = self.dispatched_children(
            'rule reversed { meta: plugin = "decoder:my_decoder" strings: $a = "edom SOD" condition: $a }', payload)
        self.assertEqual(children, [sha256(payload[::-1])])

    def test_decorator_adds_its_counts(self):
        sample = self.env.write("in/sample.bin", SAMPLE)
        doc = self.env.documents(self.env.stoq("hash", "-F", sample, "-P", "my_decorator"))[0]
        self.assertEqual(doc["my_decorator"], {"payloads": 1, "errors": 0, "marker_found": False})
        self.assertEqual(doc["results"][0]["scan"]["sha256"], sha256(SAMPLE))


class Skeletons(unittest.TestCase):
    def test_new_writes_the_documented_example(self):
        """stoq new <category> <example name> reproduces docs/examples byte for byte."""
        root = os.path.join(ARGS.work, "same-as-docs")
        env = Env(root)
        for category, example in EXAMPLES.items():
            out = os.path.join(root, example)
            env.stoq("new", category, example, out)
            reference = os.path.join(ARGS.prefix, "share", "stoq", "examples", f"{example}-plugin")
            compare = filecmp.dircmp(reference, out)
            self.assertEqual((compare.left_only, compare.right_only), ([], []), example)
            for base, _, files in os.walk(reference):
                for name in files:
                    mine = os.path.join(out, os.path.relpath(os.path.join(base, name), reference))
                    self.assertTrue(filecmp.cmp(os.path.join(base, name), mine, shallow=False), mine)

    def test_new_refuses_bad_names_and_busy_folders(self):
        env = Env(os.path.join(ARGS.work, "bad-names"))
        for name in ("Bad", "9lives", "a-b", "../x", ""):
            done = env.stoq("new", "worker", name, os.path.join(env.root, "x"), check=False)
            self.assertEqual(done.returncode, 2, (name, done.stderr))
        busy = env.write("busy/file", b"x")
        done = env.stoq("new", "worker", "fine", os.path.dirname(busy), check=False)
        self.assertEqual(done.returncode, 2)
        self.assertIn("not empty", done.stderr)

    def test_every_new_package_passes_its_own_tests(self):
        """One CMake project over the eight packages: their PluginHarness tests pass."""
        root = os.path.join(ARGS.work, "unit-tests")
        env = Env(root)
        names = []
        for category in CATEGORIES:
            env.stoq("new", category, f"t_{category}", os.path.join(root, f"t_{category}"))
            names.append(f"t_{category}")
        with open(os.path.join(root, "CMakeLists.txt"), "w") as out:
            out.write("cmake_minimum_required(VERSION 3.25)\nproject(all_new_packages LANGUAGES CXX)\n"
                      "enable_testing()\n" + "".join(f"add_subdirectory({n})\n" for n in names))
        build = os.path.join(root, "build")
        cmake_env = dict(os.environ)
        if shutil.which("ccache"):
            cmake_env.setdefault("CMAKE_CXX_COMPILER_LAUNCHER", "ccache")
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        for command in (["cmake", "-S", root, "-B", build, *generator, f"-Dstoq_DIR={ARGS.prefix}/lib/cmake/stoq"],
                        ["cmake", "--build", build, "--parallel", "2"],
                        ["ctest", "--test-dir", build, "--output-on-failure"]):
            done = subprocess.run(command, capture_output=True, text=True, env=cmake_env, timeout=1200)
            self.assertEqual(done.returncode, 0, f"{command}\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}")
        self.assertRegex(done.stdout, r"100% tests passed, 0 tests failed out of (9|[1-9]\d)")


class InstallSafety(unittest.TestCase):
    """What must leave installed plugins exactly as they were."""

    @classmethod
    def setUpClass(cls):
        cls.env = Env(os.path.join(ARGS.work, "safety"))
        cls.package = os.path.join(cls.env.root, "pkg")
        cls.env.stoq("new", "decoder", "rev", cls.package)
        cls.env.stoq("install", cls.package)
        cls.installed = os.path.join(cls.env.plugins, "decoder", "rev")

    def set_version(self, version):
        path = os.path.join(self.package, "rev", "rev.stoq")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace("Version = 0.1", f"Version = {version}").replace("Version = 0.2", f"Version = {version}"))

    def test_1_existing_plugin_is_not_overwritten(self):
        before = tree_digest(self.installed)
        done = self.env.stoq("install", self.package, check=False)
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("already exists", done.stderr)
        self.assertIn("--upgrade", done.stderr)
        self.assertEqual(tree_digest(self.installed), before)

    def test_2_upgrade_replaces_and_a_failed_build_changes_nothing(self):
        self.set_version("0.2")
        self.env.stoq("install", self.package, "--upgrade")
        self.assertRegex(self.env.stoq("list").stdout, r"rev\s+v0\.2")
        before = tree_digest(self.installed)
        source = os.path.join(self.package, "rev", "rev.cpp")
        with open(source) as f:
            good = f.read()
        try:
            with open(source, "w") as f:
                f.write(good + "\nthis is not C++;\n")
            done = self.env.stoq("install", self.package, "--upgrade", check=False)
        finally:
            with open(source, "w") as f:
                f.write(good)
        self.assertEqual(done.returncode, 1)
        self.assertIn("nothing changed", done.stderr)
        self.assertIn("not C++", done.stderr)  # the compiler's complaint, from the log's tail
        self.assertEqual(tree_digest(self.installed), before)
        self.assertRegex(self.env.stoq("list").stdout, r"rev\s+v0\.2")

    def test_3_a_module_failing_the_handshake_is_not_installed(self):
        # The decoder class built into the extractor folder: the loader refuses it.
        wrong = os.path.join(self.env.root, "wrong")
        shutil.copytree(self.package, wrong)
        cmake = os.path.join(wrong, "CMakeLists.txt")
        with open(cmake) as f:
            text = f.read()
        with open(cmake, "w") as f:
            f.write(text.replace("stoq_add_plugin(decoder rev", "stoq_add_plugin(extractor rev"))
        done = self.env.stoq("install", wrong, check=False)
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("does not load", done.stderr)
        self.assertIn("decoder", done.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.env.plugins, "extractor", "rev")))

    def test_4_several_plugin_dirs_need_plugin_dir(self):
        env = Env(os.path.join(ARGS.work, "two-dirs"))
        env.write_config("")
        with open(env.config) as f:
            text = f.read()
        with open(env.config, "w") as f:
            f.write(text.replace(f"plugin_dir_list = {env.plugins}", f"plugin_dir_list = {env.plugins}, {env.root}/more"))
        done = env.stoq("install", self.package, check=False)
        self.assertEqual(done.returncode, 2)
        self.assertIn("--plugin-dir", done.stderr)
        self.assertEqual(os.listdir(env.plugins), [])


EXAMPLES_DIR = None  # <prefix>/share/stoq/examples, set in main()

TINY_WHEEL_FILES = {
    "stoqtestdep/__init__.py": "ANSWER = 42\n",
    "stoqtestdep-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: stoqtestdep\nVersion: 1.0\n",
    "stoqtestdep-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: stoq-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}


def tiny_wheel(path):
    """A pure-Python wheel written by hand: pip installs it offline (PIP_NO_INDEX)."""
    with zipfile.ZipFile(path, "w") as wheel:
        record = []
        for name, text in TINY_WHEEL_FILES.items():
            wheel.writestr(name, text)
            record.append(f"{name},,")
        record.append("stoqtestdep-1.0.dist-info/RECORD,,")
        wheel.writestr("stoqtestdep-1.0.dist-info/RECORD", "\n".join(record) + "\n")


class ExecPackages(unittest.TestCase):
    """exec: plugins (docs/exec-plugins.md) installed from archives, and a Python venv."""

    def test_shell_example_from_a_tar_gz(self):
        env = Env(os.path.join(ARGS.work, "exec-shell"))
        archive = os.path.join(env.root, "wc_counts.tar.gz")
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(os.path.join(EXAMPLES_DIR, "exec-shell"), arcname="exec-shell")
        done = env.stoq("install", archive)
        self.assertIn("[+] Install complete.", done.stdout)
        self.assertTrue(os.access(os.path.join(env.plugins, "worker", "wc_counts", "wc.sh"), os.X_OK))
        sample = env.write("in/words.txt", b"one two three\nfour five\n")
        scan = env.documents(env.stoq("wc_counts", "-F", sample))[0]["results"][0]["scan"]
        wc = subprocess.run(["wc", "-l", "-w", "-c", sample], capture_output=True, text=True).stdout.split()
        self.assertEqual([scan["lines"], scan["words"], scan["bytes"]], [int(n) for n in wc[:3]])

    def test_python_example_from_a_zip_with_requirements_in_a_venv(self):
        env = Env(os.path.join(ARGS.work, "exec-python"))
        package = os.path.join(env.root, "pkg")
        shutil.copytree(os.path.join(EXAMPLES_DIR, "exec-python"), package)
        # The plugin imports a dependency only its requirements.txt provides.
        os.makedirs(os.path.join(package, "wheels"))
        tiny_wheel(os.path.join(package, "wheels", "stoqtestdep-1.0-py3-none-any.whl"))
        with open(os.path.join(package, "requirements.txt"), "w") as out:
            out.write("./wheels/stoqtestdep-1.0-py3-none-any.whl\n")
        scan_py = os.path.join(package, "byte_stats", "scan.py")
        with open(scan_py) as f:
            text = f.read()
        self.assertIn("def scan(", text)
        with open(scan_py, "w") as f:
            f.write(text.replace("def scan(", "import stoqtestdep\n\n\ndef scan(", 1)
                    .replace("return {", "return {\"dependency\": stoqtestdep.ANSWER, ", 1))
        archive = os.path.join(env.root, "byte_stats.zip")
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
            for base, _, files in os.walk(package):
                for name in files:
                    path = os.path.join(base, name)
                    info = zipfile.ZipInfo(os.path.relpath(path, env.root))
                    info.external_attr = (os.stat(path).st_mode & 0o777) << 16
                    with open(path, "rb") as f:
                        z.writestr(info, f.read())
        os.environ["PIP_NO_INDEX"] = "1"  # pip must not need the network
        done = env.stoq("install", archive)
        self.assertIn("virtual environment", done.stdout)
        venv_python = os.path.join(env.plugins, "worker", "byte_stats", "venv", "bin", "python3")
        self.assertTrue(os.path.exists(venv_python))
        sample = env.write("in/sample.bin", SAMPLE)
        scan = env.documents(env.stoq("byte_stats", "-F", sample))[0]["results"][0]["scan"]
        self.assertEqual(scan["dependency"], 42)
        self.assertEqual(scan["size"], len(SAMPLE))

    def test_requirements_without_venv_is_a_clear_error_and_changes_nothing(self):
        env = Env(os.path.join(ARGS.work, "exec-no-venv"))
        package = os.path.join(env.root, "pkg")
        shutil.copytree(os.path.join(EXAMPLES_DIR, "exec-python"), package)
        with open(os.path.join(package, "requirements.txt"), "w") as out:
            out.write("anything\n")
        # A python3 whose venv module is missing, as on Debian without python3-venv.
        fake = env.write("fakebin/python3", b"#!/bin/sh\necho 'No module named venv' >&2\nexit 1\n")
        os.chmod(fake, 0o755)
        done = env.stoq("install", package, check=False, path_first=os.path.dirname(fake))
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("python3-venv", done.stderr)
        self.assertIn("No module named venv", done.stderr)  # the log's tail says why
        self.assertIn("nothing changed", done.stderr)
        self.assertEqual(os.listdir(env.plugins), [])

    def test_exec_package_without_category_is_refused(self):
        env = Env(os.path.join(ARGS.work, "exec-no-category"))
        package = os.path.join(env.root, "pkg")
        shutil.copytree(os.path.join(EXAMPLES_DIR, "exec-shell"), package)
        stoq_file = os.path.join(package, "wc_counts", "wc_counts.stoq")
        with open(stoq_file) as f:
            text = f.read()
        with open(stoq_file, "w") as f:
            f.write(text.replace("Category = worker\n", ""))
        done = env.stoq("install", package, check=False)
        self.assertEqual(done.returncode, 2)
        self.assertIn("Category", done.stderr)
        self.assertEqual(os.listdir(env.plugins), [])


def tar_with(entries):
    """A .tar.gz holding `entries`: (TarInfo fields, data) pairs, written as given."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in entries:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def file_entry(name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


class HostileArchives(unittest.TestCase):
    """Package archives are unpacked with the dispatch limits and never write outside."""

    def install_archive(self, name, data, extra_config=""):
        env = Env(os.path.join(ARGS.work, "hostile", name))
        env.write_config(extra_config)
        archive = env.write(name, data)
        return env, env.stoq("install", archive, check=False)

    def assert_refused(self, name, data, why, extra_config=""):
        env, done = self.install_archive(name, data, extra_config)
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertIn(why, done.stderr)
        self.assertEqual([n for n in os.listdir(env.plugins)], [])
        return env

    def test_path_traversal(self):
        env = self.assert_refused("up.tar.gz", tar_with([file_entry("pkg/../../escaped", b"x")]), "outside")
        self.assertFalse(os.path.exists(os.path.join(env.root, "escaped")))
        self.assertFalse(os.path.exists(os.path.join(os.path.dirname(env.root), "escaped")))

    def test_absolute_path(self):
        target = os.path.join(ARGS.work, "hostile", "absolute-target")
        self.assert_refused("abs.tar.gz", tar_with([file_entry(target, b"x")]), "outside")
        self.assertFalse(os.path.exists(target))

    def test_links(self):
        link = tarfile.TarInfo("pkg/link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc"
        self.assert_refused("sym.tar.gz", tar_with([(link, None)]), "link")
        hard = tarfile.TarInfo("pkg/hard")
        hard.type, hard.linkname = tarfile.LNKTYPE, "pkg/other"
        self.assert_refused("hard.tar.gz", tar_with([file_entry("pkg/other", b"x"), (hard, None)]), "link")

    def test_size_and_count_limits(self):
        big = tar_with([file_entry("pkg/big", b"\0" * 8192)])
        self.assert_refused("big.tar.gz", big, "max_child_size", "max_child_size = 4096\n")
        many = tar_with([file_entry(f"pkg/f{i}", b"x") for i in range(60)])
        self.assert_refused("many.tar.gz", many, "max_payloads", "max_payloads = 50\n")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("pkg/zeros", b"\0" * (4 << 20))
        self.assert_refused("bomb.zip", buffer.getvalue(), "max_compression_ratio", "max_compression_ratio = 100\n")

    def test_not_an_archive(self):
        self.assert_refused("junk.tar.gz", b"not an archive at all", "archive")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--work")
    parser.add_argument("unittest_args", nargs="*")
    ARGS = parser.parse_args()
    ARGS.prefix = os.path.abspath(ARGS.prefix)
    global EXAMPLES_DIR
    EXAMPLES_DIR = os.path.join(ARGS.prefix, "share", "stoq", "examples")
    cleanup = ARGS.work is None
    ARGS.work = os.path.abspath(ARGS.work or tempfile.mkdtemp(prefix="stoq-packages-"))
    try:
        program = unittest.main(argv=[sys.argv[0], "-v", *ARGS.unittest_args], exit=False)
        return 0 if program.result.wasSuccessful() else 1
    finally:
        if cleanup:
            shutil.rmtree(ARGS.work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
