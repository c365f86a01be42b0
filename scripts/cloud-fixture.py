#!/usr/bin/env python3
"""Real OpenStack APIs for the tests: keystone, glance, placement, nova-api and neutron-server (2026.1, from PyPI),
on a MariaDB this script starts itself, all on 127.0.0.1, nothing outside DIR touched.

  cloud-fixture.py up DIR      start everything; writes DIR/clouds.yaml (cloud ciab-admin) and DIR/fixture.json
  cloud-fixture.py down DIR    stop every process it started (process groups from DIR/fixture.json), delete DIR
  cloud-fixture.py serve NAME PORT   (internal) serve one service's WSGI application

Run with the fixture venv's python (scripts/cloud-fixture.sh does). No message broker: every service uses
oslo.messaging's in-process fake driver, which is enough for the APIs (nova-api and neutron-server never wait for
an RPC reply on the calls the tests make); booting an instance would need RabbitMQ, conductor, scheduler and compute.
Lean on purpose (2 shared cores): one process, a few threads, per service.
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

SERVICES = ("keystone", "glance", "placement", "nova", "neutron")
DATABASES = ("keystone", "glance", "placement", "nova_api", "nova", "nova_cell0", "neutron")
# module with the WSGI application, and the prefix of its OS_<X>_CONFIG_DIR / _FILES variables
WSGI = {
    "keystone": ("keystone.wsgi.api", "OS_KEYSTONE"),
    "glance": ("glance.wsgi.api", "OS_GLANCE"),
    "placement": ("placement.wsgi.api", "OS_PLACEMENT"),
    "nova": ("nova.wsgi.osapi_compute", "OS_NOVA"),
    "neutron": ("neutron.wsgi.api", "OS_NEUTRON"),
}
# glance's WSGI app reads a fixed file name from its config dir
CONF_NAME = {"glance": "glance-api.conf"}
BIN = os.path.dirname(sys.executable)


def log(message):
    print(f"cloud-fixture: {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, timeout, proc=None, logfile=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = open(logfile, errors="replace").read()[-3000:] if logfile else ""
            raise RuntimeError(f"{what} exited with {proc.returncode}\n{tail}")
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.3)
    tail = open(logfile, errors="replace").read()[-3000:] if logfile else ""
    raise RuntimeError(f"{what} not ready after {timeout}s\n{tail}")


def http_ok(url):
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status < 500
    except urllib.error.HTTPError as error:
        return error.code < 500


def run(args, logfile, env=None):
    with open(logfile, "a") as out:
        out.write(f"$ {' '.join(args)}\n")
        out.flush()
        result = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed ({result.returncode}), see {logfile}:\n"
                           + open(logfile, errors="replace").read()[-3000:])


class Fixture:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.state_file = os.path.join(self.root, "fixture.json")
        self.state = {"pids": [], "ports": {}, "started": time.time()}

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def save(self):
        with open(self.state_file + ".tmp", "w") as f:
            json.dump(self.state, f, indent=2)
        os.replace(self.state_file + ".tmp", self.state_file)

    def spawn(self, name, args, env=None):
        logfile = self.path("log", f"{name}.log")
        out = open(logfile, "a")
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        self.state["pids"].append({"name": name, "pid": proc.pid})
        self.save()
        return proc, logfile

    # ---- MariaDB ----
    def start_mariadb(self):
        data = self.path("mysql", "data")
        os.makedirs(data)
        run(["mariadb-install-db", "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal",
             "--skip-test-db", "--user=root"], self.path("log", "mariadb-install.log"))
        port = free_port()
        self.state["ports"]["mariadb"] = port
        sock = self.path("mysql", "mysqld.sock")
        proc, logfile = self.spawn("mariadb", [
            "mariadbd", "--no-defaults", f"--datadir={data}", f"--socket={sock}", f"--port={port}",
            "--bind-address=127.0.0.1", "--user=root", f"--pid-file={self.path('mysql', 'mysqld.pid')}",
            "--skip-name-resolve", "--innodb-buffer-pool-size=64M", "--performance-schema=OFF",
            "--innodb-log-file-size=16M", "--max-connections=300", "--innodb-flush-log-at-trx-commit=0",
            "--skip-log-bin", f"--tmpdir={self.path('mysql')}"])
        wait_for("mariadb", lambda: os.path.exists(sock) and socket.create_connection(("127.0.0.1", port), 1),
                 60, proc, logfile)
        self.db_password = secrets.token_hex(12)
        statements = [f"CREATE DATABASE {db} CHARACTER SET utf8mb4" for db in DATABASES] + [
            f"CREATE USER 'ciab'@'127.0.0.1' IDENTIFIED BY '{self.db_password}'",
            "GRANT ALL PRIVILEGES ON *.* TO 'ciab'@'127.0.0.1'",
        ]
        run(["mariadb", "--no-defaults", f"--socket={sock}", "-uroot", "-e", ";".join(statements)],
            self.path("log", "mariadb-install.log"))

    def db(self, name):
        return f"mysql+pymysql://ciab:{self.db_password}@127.0.0.1:{self.state['ports']['mariadb']}/{name}"

    # ---- configuration ----
    def write_configs(self):
        ports = self.state["ports"]
        for svc in SERVICES:
            ports[svc] = free_port()
        self.admin_password = secrets.token_hex(12)
        self.service_password = secrets.token_hex(12)
        keystone_url = f"http://127.0.0.1:{ports['keystone']}"
        auth = (f"[keystone_authtoken]\nwww_authenticate_uri = {keystone_url}\nauth_url = {keystone_url}\n"
                "auth_type = password\nproject_domain_name = Default\nuser_domain_name = Default\n"
                "project_name = service\nusername = {user}\npassword = " + self.service_password + "\n"
                "service_token_roles_required = true\nmemcached_servers =\n")
        service_auth = lambda section, user: (  # noqa: E731
            f"[{section}]\nauth_url = {keystone_url}\nauth_type = password\nproject_domain_name = Default\n"
            f"user_domain_name = Default\nproject_name = service\nusername = {user}\n"
            f"password = {self.service_password}\nregion_name = RegionOne\n")
        common = f"[DEFAULT]\ntransport_url = fake:/\ndebug = false\nlog_dir = {self.path('log')}\n"
        files = {
            "keystone": common + f"[database]\nconnection = {self.db('keystone')}\n"
            f"[fernet_tokens]\nkey_repository = {self.path('etc', 'keystone', 'fernet-keys')}\n"
            f"[credential]\nkey_repository = {self.path('etc', 'keystone', 'credential-keys')}\n"
            "[token]\nprovider = fernet\n",
            "glance": common + "enabled_backends = file:file\n"
            f"[database]\nconnection = {self.db('glance')}\n"
            "[glance_store]\ndefault_backend = file\n"
            f"[file]\nfilesystem_store_datadir = {self.path('glance-images')}\n"
            f"[os_glance_staging_store]\nfilesystem_store_datadir = {self.path('glance-staging')}\n"
            f"[os_glance_tasks_store]\nfilesystem_store_datadir = {self.path('glance-tasks')}\n"
            "[paste_deploy]\nflavor = keystone\n" + auth.format(user="glance"),
            "placement": common + f"[placement_database]\nconnection = {self.db('placement')}\n"
            "[api]\nauth_strategy = keystone\n" + auth.format(user="placement"),
            "nova": common + "enabled_apis = osapi_compute\ncompute_driver = fake.SmallFakeDriver\n"
            f"state_path = {self.path('nova-state')}\n"
            f"[api_database]\nconnection = {self.db('nova_api')}\n"
            f"[database]\nconnection = {self.db('nova')}\n"
            "[api]\nauth_strategy = keystone\n"
            f"[glance]\napi_servers = http://127.0.0.1:{ports['glance']}\n"
            f"[oslo_concurrency]\nlock_path = {self.path('nova-state')}\n"
            "[wsgi]\napi_paste_config = " + self.path("etc", "nova", "api-paste.ini") + "\n"
            + auth.format(user="nova") + service_auth("placement", "placement")
            + service_auth("neutron", "neutron"),
            "neutron": common + "core_plugin = ml2\nservice_plugins = router\nauth_strategy = keystone\n"
            f"api_paste_config = {self.path('etc', 'neutron', 'api-paste.ini')}\n"
            f"state_path = {self.path('neutron-state')}\n"
            "notify_nova_on_port_status_changes = false\nnotify_nova_on_port_data_changes = false\n"
            f"[database]\nconnection = {self.db('neutron')}\n"
            "[ml2]\ntype_drivers = flat,vxlan\ntenant_network_types = vxlan\nmechanism_drivers = openvswitch\n"
            "extension_drivers = port_security\n"
            "[ml2_type_flat]\nflat_networks = physnet1\n[ml2_type_vxlan]\nvni_ranges = 1:1000\n"
            f"[oslo_concurrency]\nlock_path = {self.path('neutron-state')}\n"
            + auth.format(user="neutron") + service_auth("nova", "nova"),
        }
        for svc, text in files.items():
            os.makedirs(self.path("etc", svc), exist_ok=True)
            with open(self.conf(svc), "w") as f:
                f.write(text)
        # The api-paste.ini files ship inside the packages' etc/ (data files of the wheels).
        for svc in ("nova", "neutron", "glance"):
            source = self.find_data_file(svc, "api-paste.ini")
            if source:
                shutil.copy(source, self.path("etc", svc, "glance-api-paste.ini" if svc == "glance" else "api-paste.ini"))
        for d in ("glance-images", "glance-staging", "glance-tasks", "nova-state", "neutron-state"):
            os.makedirs(self.path(d), exist_ok=True)

    @staticmethod
    def find_data_file(svc, name):
        prefix = os.path.dirname(BIN)
        candidates = [os.path.join(prefix, "etc", svc, name),
                      os.path.join(prefix, "etc", f"{svc}-{name}")]
        if svc == "glance":
            candidates.insert(0, os.path.join(prefix, "etc", "glance", "glance-api-paste.ini"))
        for candidate in candidates:
            if os.path.exists(candidate):
                return candidate
        return None

    def conf(self, svc):
        return self.path("etc", svc, CONF_NAME.get(svc, f"{svc}.conf"))

    # ---- databases and keystone ----
    def sync(self):
        k = ["--config-file", self.conf("keystone")]
        logfile = self.path("log", "db-sync.log")
        run([f"{BIN}/keystone-manage", *k, "db_sync"], logfile)
        for setup in ("fernet_setup", "credential_setup"):
            os.makedirs(self.path("etc", "keystone", setup.replace("_setup", "-keys").replace("fernet", "fernet")),
                        exist_ok=True)
            run([f"{BIN}/keystone-manage", *k, setup, "--keystone-user", "root", "--keystone-group", "root"], logfile)
        url = f"http://127.0.0.1:{self.state['ports']['keystone']}/v3"
        run([f"{BIN}/keystone-manage", *k, "bootstrap", "--bootstrap-password", self.admin_password,
             "--bootstrap-admin-url", url, "--bootstrap-internal-url", url, "--bootstrap-public-url", url,
             "--bootstrap-region-id", "RegionOne"], logfile)
        run([f"{BIN}/glance-manage", "--config-file", self.conf("glance"), "db_sync"], logfile)
        run([f"{BIN}/placement-manage", "--config-file", self.conf("placement"), "db", "sync"], logfile)
        n = ["--config-file", self.conf("nova")]
        run([f"{BIN}/nova-manage", *n, "api_db", "sync"], logfile)
        run([f"{BIN}/nova-manage", *n, "cell_v2", "map_cell0", "--database_connection", self.db("nova_cell0")],
            logfile)
        run([f"{BIN}/nova-manage", *n, "db", "sync"], logfile)
        run([f"{BIN}/nova-manage", *n, "cell_v2", "create_cell", "--name", "cell1", "--verbose"], logfile)
        run([f"{BIN}/neutron-db-manage", "--config-file", self.conf("neutron"), "upgrade", "heads"], logfile)

    def serve(self, svc):
        port = self.state["ports"][svc]
        env = dict(os.environ)
        env[f"{WSGI[svc][1]}_CONFIG_DIR"] = self.path("etc", svc)
        # nova's WSGI app takes its paste file from the first of these files
        env[f"{WSGI[svc][1]}_CONFIG_FILES"] = ("api-paste.ini;" if svc == "nova" else "") + os.path.basename(self.conf(svc))
        proc, logfile = self.spawn(svc, [sys.executable, os.path.abspath(__file__), "serve", svc, str(port)], env=env)
        return proc, logfile, f"http://127.0.0.1:{port}"

    def register_services(self):
        import openstack
        ports = self.state["ports"]
        conn = openstack.connect(auth_url=f"http://127.0.0.1:{ports['keystone']}/v3", username="admin",
                                 password=self.admin_password, project_name="admin", user_domain_name="Default",
                                 project_domain_name="Default", region_name="RegionOne")
        service_project = conn.identity.create_project(name="service", domain_id="default")
        admin_role = conn.identity.find_role("admin")
        catalog = {
            "glance": ("image", f"http://127.0.0.1:{ports['glance']}"),
            "placement": ("placement", f"http://127.0.0.1:{ports['placement']}"),
            "nova": ("compute", f"http://127.0.0.1:{ports['nova']}/v2.1"),
            "neutron": ("network", f"http://127.0.0.1:{ports['neutron']}"),
        }
        for user_name, (kind, url) in catalog.items():
            user = conn.identity.create_user(name=user_name, password=self.service_password, domain_id="default")
            conn.identity.assign_project_role_to_user(service_project, user, admin_role)
            conn.identity.assign_project_role_to_user(service_project, user,
                                                      conn.identity.find_role("service"))
            service = conn.identity.create_service(name=user_name, type=kind)
            for interface in ("public", "internal", "admin"):
                conn.identity.create_endpoint(service_id=service.id, interface=interface, url=url,
                                              region_id="RegionOne")

    def up(self):
        started = time.monotonic()
        os.makedirs(self.path("log"))
        self.save()
        self.start_mariadb()
        self.write_configs()
        self.sync()
        timings = {"databases": round(time.monotonic() - started, 1)}
        proc, logfile, url = self.serve("keystone")
        wait_for("keystone", lambda: http_ok(url + "/v3"), 120, proc, logfile)
        # The service role exists from keystone 2023.2 on (bootstrap creates it); create it if not.
        self.ensure_service_role()
        self.register_services()
        timings["keystone"] = round(time.monotonic() - started, 1)
        waiting = [(svc, *self.serve(svc)) for svc in ("glance", "placement", "nova", "neutron")]
        for svc, proc, logfile, url in waiting:
            path = {"nova": "/v2.1/", "glance": "/versions", "placement": "/", "neutron": "/"}[svc]
            wait_for(svc, lambda: http_ok(url + path), 240, proc, logfile)
        timings["all"] = round(time.monotonic() - started, 1)
        self.state["startup_seconds"] = timings
        self.state["rss_mib"] = self.rss()
        self.write_clouds_yaml()
        self.save()
        print(json.dumps({"clouds": self.path("clouds.yaml"), "startup_seconds": timings,
                          "rss_mib": self.state["rss_mib"], "ports": self.state["ports"]}))

    def ensure_service_role(self):
        import openstack
        conn = openstack.connect(auth_url=f"http://127.0.0.1:{self.state['ports']['keystone']}/v3",
                                 username="admin", password=self.admin_password, project_name="admin",
                                 user_domain_name="Default", project_domain_name="Default")
        if conn.identity.find_role("service") is None:
            conn.identity.create_role(name="service")

    def rss(self):
        total = {}
        for entry in self.state["pids"]:
            try:
                with open(f"/proc/{entry['pid']}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            total[entry["name"]] = round(int(line.split()[1]) / 1024)
            except OSError:
                pass
        return total

    def write_clouds_yaml(self):
        text = ("clouds:\n  ciab-admin:\n    auth:\n"
                f"      auth_url: http://127.0.0.1:{self.state['ports']['keystone']}/v3\n"
                "      username: admin\n"
                f"      password: '{self.admin_password}'\n"
                "      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n"
                "    region_name: RegionOne\n    interface: public\n    identity_api_version: 3\n")
        fd = os.open(self.path("clouds.yaml"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)

    def down(self, remove=True):
        try:
            with open(self.state_file) as f:
                self.state = json.load(f)
        except OSError:
            self.state = {"pids": []}
        for entry in reversed(self.state["pids"]):
            try:
                os.killpg(entry["pid"], signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 20
        for entry in self.state["pids"]:
            while time.monotonic() < deadline:
                try:
                    os.killpg(entry["pid"], 0)
                except ProcessLookupError:
                    break
                time.sleep(0.2)
            else:
                try:
                    os.killpg(entry["pid"], signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)


def serve(svc, port):
    """One service's WSGI app on a small threaded server (wsgiref: no extra dependency, fine for tests)."""
    import importlib
    import socketserver
    from wsgiref import simple_server

    sys.argv = [f"{svc}-api"]  # the services parse sys.argv with oslo.config: ours are not theirs
    application = importlib.import_module(WSGI[svc][0]).application

    class Server(socketserver.ThreadingMixIn, simple_server.WSGIServer):
        daemon_threads = True
        allow_reuse_address = True

    class Handler(simple_server.WSGIRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 (the base class's name)
            sys.stderr.write("%s %s\n" % (self.command if hasattr(self, "command") else "-", format % args))

    httpd = simple_server.make_server("127.0.0.1", port, application, server_class=Server, handler_class=Handler)
    httpd.serve_forever()


def main(argv):
    if len(argv) == 3 and argv[0] == "serve":
        serve(argv[1], int(argv[2]))
        return 0
    if len(argv) != 2 or argv[0] not in ("up", "down"):
        print(__doc__, file=sys.stderr)
        return 2
    fixture = Fixture(argv[1])
    if argv[0] == "down":
        fixture.down()
        return 0
    if os.path.exists(fixture.root):
        print(f"cloud-fixture: {fixture.root} exists; use a new folder", file=sys.stderr)
        return 2
    try:
        fixture.up()
    except Exception as error:
        log(str(error))
        # Stop what started; keep the folder (its log/ says why) unless asked not to.
        fixture.down(remove=False)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
