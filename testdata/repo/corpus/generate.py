#!/usr/bin/env python3
# Regenerate: python3 testdata/repo/corpus/generate.py testdata/repo/corpus (needs openssl and ssh-keygen).
"""Generates testdata/repo/corpus/{secrets,lookalikes}.txt with fresh random fake values.

Every value is random with the right shape (or a key generated on the spot and never
used anywhere); nothing here is a live credential.
"""
import base64, hashlib, os, random, secrets as S, string, subprocess, sys, tempfile, uuid

OUT = sys.argv[1]
R = random.SystemRandom()

B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
B64 = string.ascii_letters + string.digits + "+/"
ALNUM = string.ascii_letters + string.digits
CRYPT = "./" + string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"


def rnd(alpha, n):
    return "".join(R.choice(alpha) for _ in range(n))


def aws_id(prefix="AKIA"):
    return prefix + rnd(B32[:26] + "234567", 16)


def aws_secret():
    return rnd(ALNUM + "/+", 40)


def b64(n):
    return base64.b64encode(os.urandom(n)).decode()


def run(*args, inp=None):
    return subprocess.run(args, input=inp, capture_output=True, check=True, text=True).stdout


def ssh_key(kind, bits=None):
    d = tempfile.mkdtemp()
    args = ["ssh-keygen", "-q", "-N", "", "-t", kind, "-f", d + "/k", "-C", "deploy@ci"]
    if bits:
        args += ["-b", str(bits)]
    run(*args)
    return open(d + "/k").read()


def openssl(*args):
    return run("openssl", *args)


def bcrypt(cost="10", v="2y"):
    return f"${v}${cost}$" + rnd(CRYPT, 53)


def sha_crypt(alg):
    n = {"1": 22, "5": 43, "6": 86}[alg]
    return f"${alg}$" + rnd(CRYPT, 16 if alg != "1" else 8) + "$" + rnd(CRYPT, n)


secrets, lookalikes = [], []


def S_(kind, path, body):
    secrets.append((kind, path, body))


def L_(kind, path, body):
    lookalikes.append((kind, path, body))


# ---------------------------------------------------------------- true secrets
# passwords in configuration files
S_("password", ".env", f"APP_ENV=production\nDB_HOST=db.internal\nDB_USER=orders\nDB_PASSWORD=Tr0ub4dor&3x\n")
S_("password", "deploy/.env.production", "POSTGRES_USER=app\nPOSTGRES_PASSWORD=s3cr3tPgPass!\n")
S_("password", "docker-compose.yml", "services:\n  db:\n    image: mysql:8\n    environment:\n      - MYSQL_ROOT_PASSWORD=rootpw2023\n      - MYSQL_DATABASE=shop\n")
S_("password", "docker-compose.override.yml", "services:\n  db:\n    environment:\n      MYSQL_PASSWORD: Sh0pDbUser#\n")
S_("password", "src/main/resources/application.properties", "spring.datasource.url=jdbc:postgresql://db:5432/app\nspring.datasource.username=app\nspring.datasource.password=Qw3rty!2024\n")
S_("password", "src/main/resources/application.yml", "spring:\n  datasource:\n    username: billing\n    password: Jx8#mP2vLq\n")
S_("password", "config/settings.ini", "[database]\nhost = 10.0.3.7\nuser = reporter\npassword = kT9pLm2xW\n")
S_("password", "myproject/settings.py", "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n        'NAME': 'shop',\n        'USER': 'shop',\n        'PASSWORD': 'dj4ng0Pr0d!',\n    }\n}\n")
S_("password", "config/production.json", '{\n  "mongo": {\n    "user": "api",\n    "password": "mongoAtlas#77"\n  }\n}\n')
S_("password", "infra/rds.tf", 'resource "aws_db_instance" "main" {\n  engine         = "postgres"\n  username       = "master"\n  password       = "TfDbPa55word!"\n}\n')
S_("password", "infra/prod.tfvars", 'db_username = "admin"\ndb_password = "Prod-RDS-2024x"\n')
S_("password", "Dockerfile", "FROM python:3.12-slim\nENV ADMIN_PASSWORD=Adm1nSecret9\nCOPY . /app\n")
S_("password", "build/Dockerfile.worker", "FROM node:20\nARG NPM_TOKEN=3b8f0c2e9a7d41f6b5e2c8a0d9f1e7b4\nRUN npm ci\n")
S_("password", ".pypirc", "[distutils]\nindex-servers = internal\n\n[internal]\nrepository = https://pypi.acme-corp.net\nusername = release\npassword = pypiUploadPw42\n")
S_("password", ".pgpass", "db.internal:5432:orders:app:pgP4ss!word\n")
S_("password", "home/.netrc", "machine git.acme-corp.net\n  login ci-bot\n  password nEtRc7Secret\n")
S_("password", "web.config", '<configuration>\n  <appSettings>\n    <add key="DbPassword" value="NetC0nfig#1" />\n  </appSettings>\n</configuration>\n')
S_("password", "standalone.xml", "<datasource>\n  <security>\n    <user-name>jboss</user-name>\n    <password>jb0ssAdm!n</password>\n  </security>\n</datasource>\n")
S_("password", ".m2/settings.xml", "<settings>\n  <servers>\n    <server>\n      <id>nexus</id>\n      <username>deployer</username>\n      <password>nexusDeploy77</password>\n    </server>\n  </servers>\n</settings>\n")
S_("password", "k8s/db-secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\nstringData:\n  username: app\n  password: k8sPlainPw!\n")
S_("password", "k8s/api-secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\ndata:\n  password: " + base64.b64encode(b"prodPassword!42").decode() + "\n")
S_("password", "ansible/group_vars/prod.yml", "ansible_user: deploy\nansible_become_pass: sudoPw#2022\n")
S_("password", "etc/mysql/my.cnf", "[client]\nuser=backup\npassword=B4ckupMysql\n")
S_("password", "redis/redis.conf", "bind 0.0.0.0\nport 6379\nrequirepass Redi5Passw0rdX\n")
S_("password", "services/mailer/.env", "SMTP_HOST=smtp.acme-corp.net\nSMTP_USER=noreply\nSMTP_PASS=mailPw2020z\n")
S_("password", "config/app.toml", '[database]\nuser = "svc"\npassword = "toml-Secret-99"\n')
S_("password", "includes/db.php", "<?php\n$db_host = 'localhost';\n$db_password = 'phpMyPass2!';\n")
S_("password", "wp-config.php", "<?php\ndefine('DB_NAME', 'wordpress');\ndefine('DB_USER', 'wp');\ndefine('DB_PASSWORD', 'wpPr0d!Pass');\n")
S_("password", "scripts/backup.sh", "#!/bin/sh\nexport PGPASSWORD='shellPgPw!7'\npg_dump -h db -U app orders > dump.sql\n")
S_("password", "Jenkinsfile", "pipeline {\n  environment {\n    def password = \"jenkinsPw123\"\n  }\n}\n")
S_("password", "config/database.yml", "production:\n  adapter: postgresql\n  database: app_production\n  username: app\n  password: r41lsDbPw\n")
S_("password", "charts/api/values.yaml", "redis:\n  auth:\n    enabled: true\n    password: helmRedis!9\n")
S_("password", ".github/workflows/deploy.yml", "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      DB_PASS: ciPassw0rd\n")
S_("password", "src/main/java/com/acme/Db.java", "public class Db {\n    private static final String PASSWORD = \"j4vaStat1c\";\n}\n")
S_("password", "app/db.py", "import psycopg2\nconn = psycopg2.connect(host=\"db\", user=\"app\", password=\"pyConn#88\")\n")
S_("password", "internal/store/config.go", "package store\n\nvar defaultConfig = Config{\n\tUser:     \"svc\",\n\tPassword: \"g0Struct!Pw\",\n}\n")
S_("password", "src/config.js", "module.exports = {\n  db: { user: 'api', password: 'n0deJsPw#' },\n};\n")
S_("password", "Services/Mailer.cs", "public class Mailer {\n    var pwd = \"CsharpPwd#1\";\n}\n")
S_("password", "lib/client.rb", "Client.new(:username => 'ops', :password => 'rubyHashPw7')\n")
S_("password", "src/settings.ts", "export const settings = {\n  adminPassword: \"Ts-Adm1n-Pw\",\n};\n")
S_("password", "config/secrets.yml", "production:\n  secret_key_base: 9f2c7a1e5b3d8f0a4c6e2b9d7f1a3c5e8b0d2f4a6c8e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d\n")
S_("password", "app/settings.py", "SECRET_KEY = 'k#9v!x2m@q7z$w4r&t1y^u8p*o3i(e6n'\n")
S_("password", "conf/keystore.properties", "storePassword=AndroidSt0re!\nkeyPassword=AndroidK3y!\nkeyAlias=release\n")
S_("password", "config/ldap.yaml", "ldap:\n  bind_dn: cn=svc,dc=acme,dc=net\n  bind_password: LdapB1nd#Pw\n")

# credentials inside URIs and connection strings
S_("uri", ".env.local", "DATABASE_URL=postgres://app:Pg8xK2mQz@db.internal:5432/prod\n")
S_("uri", "config/mongo.js", "const uri = 'mongodb+srv://admin:M0ngoAtlasPw@cluster0.ab1cd.mongodb.net/test?retryWrites=true';\n")
S_("uri", "config/cache.yml", "cache:\n  url: redis://:R3disAuthPw@cache.internal:6379/0\n")
S_("uri", "worker/celeryconfig.py", "broker_url = 'amqp://worker:rabbitPr0d7@mq.internal:5672/jobs'\n")
S_("uri", "src/main/resources/db.properties", "jdbc.url=jdbc:mysql://db:3306/shop?user=shop&password=JdbcQ8pwX&useSSL=true\n")
S_("uri", "scripts/mirror.sh", "git clone https://ci-bot:Xk29fj3LmQ@git.acme-corp.net/platform/api.git\n")
S_("uri", "deploy/ftp.cfg", "target = ftp://upload:Ftp#Pw2x@ftp.acme-corp.net/incoming\n")
S_("uri", "app/config.py", "SQLALCHEMY_DATABASE_URI = \"mysql+pymysql://root:Alch3myPw@localhost/app\"\n")
S_("uri", "appsettings.json", '{\n  "ConnectionStrings": {\n    "Default": "Server=tcp:acme.database.windows.net,1433;Initial Catalog=shop;User ID=sqladmin;Password=Azur3Sql!Pw;Encrypt=True;"\n  }\n}\n')
S_("uri", "appsettings.Production.json", '{\n  "ConnectionStrings": {\n    "Main": "Host=db;Database=app;Username=app;Password=NpgsqlPw9x"\n  }\n}\n')
S_("uri", "pip.conf", "[global]\nindex-url = https://deploy:Ar7ifact0ry!@pypi.acme-corp.net/simple\n")
S_("uri", "config/smtp.yaml", "smtp:\n  dsn: smtp://mailer:Sm7pPass9@smtp.acme-corp.net:587\n")

# password hashes
S_("hash", "conf/.htpasswd", f"admin:{bcrypt('05')}\n")
S_("hash", "nginx/htpasswd", f"ops:$apr1${rnd(CRYPT, 8)}${rnd(CRYPT, 22)}\n")
S_("hash", "apache/users.htpasswd", "reader:{SHA}" + base64.b64encode(os.urandom(20)).decode() + "\n")
S_("hash", "rootfs/etc/shadow", f"root:{sha_crypt('6')}:19422:0:99999:7:::\ndaemon:*:19422:0:99999:7:::\n")
S_("hash", "image/etc/shadow", f"deploy:{sha_crypt('5')}:19000:0:99999:7:::\n")
S_("hash", "overlay/etc/shadow", "admin:$y$j9T$" + rnd(CRYPT, 22) + "$" + rnd(CRYPT, 43) + ":19500:0:99999:7:::\n")
S_("hash", "db/seed.sql", f"INSERT INTO users (email, password_hash) VALUES ('ops@acme-corp.net', '{bcrypt('12', '2b')}');\n")
S_("hash", "db/users.json", '[{"email": "admin@acme-corp.net", "password": "' + bcrypt("10", "2a") + '"}]\n')
S_("hash", "config/auth.yaml", "users:\n  admin:\n    password_hash: \"$argon2id$v=19$m=65536,t=3,p=4$" + b64(16).rstrip("=") + "$" + b64(32).rstrip("=") + "\"\n")
S_("hash", "db/auth_user.json", '[{"model": "auth.user", "fields": {"username": "root", "password": "pbkdf2_sha256$600000$' + rnd(ALNUM, 22) + "$" + b64(32) + '"}}]\n')
S_("hash", "legacy/etc/shadow", f"backup:{sha_crypt('1')}:18000:0:99999:7:::\n")
S_("hash", "ldap/users.ldif", "dn: uid=jdoe,ou=people,dc=acme,dc=net\nuserPassword: {SSHA}" + base64.b64encode(os.urandom(24)).decode() + "\n")

# private keys of every kind
rsa_trad = openssl("genrsa", "-traditional", "1024")
S_("private-key", "deploy/id_rsa", rsa_trad)
S_("private-key", "certs/server.key", openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"))
S_("private-key", "certs/ec.pem", openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout"))
S_("private-key", "keys/ed25519", ssh_key("ed25519"))
S_("private-key", "keys/ecdsa_key", ssh_key("ecdsa", 256))
S_("private-key", "legacy/dsa.pem", "-----BEGIN DSA PRIVATE KEY-----\n" + "\n".join(b64(48) for _ in range(9)) + "\n-----END DSA PRIVATE KEY-----\n")
S_("private-key", "certs/enc.pem", run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-aes-128-cbc", "-pass", "pass:" + S.token_hex(8)))
S_("private-key", "gpg/signing.asc", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + "\n".join(b64(48) for _ in range(12)) + "\n=" + b64(3) + "\n-----END PGP PRIVATE KEY BLOCK-----\n")
S_("private-key", "keys/bastion.ppk", "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: bastion\nPublic-Lines: 4\n" + "\n".join(b64(48) for _ in range(4)) + "\nPrivate-Lines: 8\n" + "\n".join(b64(48) for _ in range(8)) + "\nPrivate-MAC: " + S.token_hex(32) + "\n")
S_("private-key", "keys/legacy_ssh2", "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"rsa-key-20190101\"\n" + "\n".join(b64(51) for _ in range(10)) + "\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n")
pk = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024")
S_("private-key", "config/jwt.yaml", "jwt:\n  signing_key: |\n" + "".join("    " + l + "\n" for l in pk.strip().split("\n")))
pk2 = openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256").strip()
S_("private-key", "internal/auth/key.go", "package auth\n\nconst signingKey = \"" + "\\n\" +\n\t\"".join(pk2.split("\n")) + "\\n\"\n")

# cloud credentials
S_("cloud", "home/.aws/credentials", f"[default]\naws_access_key_id = {aws_id()}\naws_secret_access_key = {aws_secret()}\nregion = eu-west-1\n")
S_("cloud", "services/uploader/.env", f"AWS_ACCESS_KEY_ID={aws_id()}\nAWS_SECRET_ACCESS_KEY={aws_secret()}\nAWS_REGION=us-east-1\n")
S_("cloud", "tools/upload.py", f"import boto3\ns3 = boto3.client(\n    's3',\n    aws_access_key_id='{aws_id()}',\n    aws_secret_access_key='{aws_secret()}',\n)\n")
S_("cloud", "config/storage.yml", f"amazon:\n  service: S3\n  secret_access_key: {aws_secret()}\n  bucket: acme-assets\n")
S_("cloud", "ci/assume.env", f"AWS_ACCESS_KEY_ID={aws_id('ASIA')}\nAWS_SECRET_ACCESS_KEY={aws_secret()}\nAWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjE{rnd(ALNUM, 180)}\n")
S_("cloud", "infra/provider.tf", f'provider "aws" {{\n  region     = "eu-central-1"\n  access_key = "{aws_id()}"\n  secret_key = "{aws_secret()}"\n}}\n')
S_("cloud", "src/s3.js", f"const s3 = new AWS.S3({{\n  accessKeyId: '{aws_id()}',\n  secretAccessKey: '{aws_secret()}',\n}});\n")
S_("cloud", "config/aws.json", '{\n  "secretAccessKey": "' + aws_secret() + '",\n  "region": "eu-west-1"\n}\n')
gcp_pk = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024").strip().replace("\n", "\\n") + "\\n"
S_("cloud", "gcp/service-account.json", '{\n  "type": "service_account",\n  "project_id": "acme-prod",\n  "private_key_id": "' + S.token_hex(20) + '",\n  "private_key": "' + gcp_pk + '",\n  "client_email": "deployer@acme-prod.iam.gserviceaccount.com"\n}\n')
S_("cloud", "web/maps.js", "const MAPS_KEY = 'AIza" + rnd(ALNUM + "-_", 35) + "';\n")
S_("cloud", "config/azure-storage.env", "AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=acmestore;AccountKey=" + base64.b64encode(os.urandom(64)).decode() + ";EndpointSuffix=core.windows.net\n")
S_("cloud", "src/Bus/appsettings.json", '{\n  "ServiceBus": "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=' + base64.b64encode(os.urandom(32)).decode() + '"\n}\n')
S_("cloud", "config/azure.yaml", "azure:\n  tenant_id: " + str(uuid.uuid4()) + "\n  client_secret: " + rnd(ALNUM, 3) + "8Q~" + rnd(ALNUM + "_~.-", 34) + "\n")
S_("cloud", ".docker/config.json", '{\n  "auths": {\n    "registry.acme-corp.net": {\n      "auth": "' + base64.b64encode(b"robot$ci:Dk7rRegistryPw").decode() + '"\n    }\n  }\n}\n')

# vendor tokens and command lines
S_("token", ".npmrc", "//registry.npmjs.org/:_authToken=npm_" + rnd(ALNUM, 36) + "\n")
S_("token", "ci/.npmrc", "registry=https://npm.acme-corp.net/\n//npm.acme-corp.net/:_auth=" + base64.b64encode(b"ci:NpmRegistryPw7").decode() + "\nalways-auth=true\n")
S_("token", "scripts/release.sh", "#!/bin/bash\nGITHUB_TOKEN=ghp_" + rnd(ALNUM, 36) + "\ncurl -H \"Authorization: token $GITHUB_TOKEN\" https://api.github.com/user\n")
S_("token", ".gitlab-ci.yml", "variables:\n  GITLAB_TOKEN: glpat-" + rnd(ALNUM + "_-", 20) + "\n")
S_("token", "bot/slack.py", "SLACK_BOT_TOKEN = 'xoxb-" + rnd(string.digits, 12) + "-" + rnd(string.digits, 13) + "-" + rnd(ALNUM, 24) + "'\n")
S_("token", "billing/stripe.rb", "Stripe.api_key = 'sk_live_" + rnd(ALNUM, 24) + "'\n")
S_("token", "mail/send.js", "sgMail.setApiKey('SG." + rnd(ALNUM + "_-", 22) + "." + rnd(ALNUM + "_-", 43) + "');\n")
S_("token", "scripts/db-restore.sh", "#!/bin/sh\nmysql -h db.internal -u root -pMyS3cretPw shop < dump.sql\n")
S_("token", "scripts/healthcheck.sh", "#!/bin/sh\ncurl -fsS -u admin:Curl#Pw1x https://grafana.acme-corp.net/api/health\n")
S_("token", "scripts/push.sh", "#!/bin/sh\ndocker login -u acmebot -p D0ckerHubPw9 registry.acme-corp.net\n")
S_("token", "scripts/jump.sh", "#!/bin/sh\nsshpass -p 'sshP4ssJump' ssh ops@bastion.acme-corp.net\n")
S_("token", "config/services.yaml", "payments:\n  api_key: " + S.token_hex(16) + "\n  endpoint: https://pay.acme-corp.net\n")
S_("token", "src/client.go", "package client\n\nconst apiToken = \"" + rnd(ALNUM, 32) + "\"\n")

# ---------------------------------------------------------------- look-alikes
# placeholders
L_("placeholder", ".env.example", "DB_HOST=localhost\nDB_USER=app\nDB_PASSWORD=changeme\n")
L_("placeholder", "config/database.sample.yml", "production:\n  username: app\n  password: <your-password>\n")
L_("placeholder", "config/app.json", '{\n  "password": "YOUR_PASSWORD_HERE"\n}\n')
L_("placeholder", "config/settings.json", '{\n  "password": "********"\n}\n')
L_("placeholder", "config/api.yaml", "api_key: xxxxxxxxxxxxxxxxxxxxxxxx\n")
L_("placeholder", "deploy/.env", "DB_PASSWORD=\nAPI_TOKEN=\n")
L_("placeholder", "charts/app/values.yaml", "auth:\n  password: \"\"\n  existingSecret: \"\"\n")
L_("placeholder", "config/secrets.yml", "secret: REPLACE_ME\n")
L_("placeholder", "src/settings.py", "API_TOKEN = \"TODO\"\n")
L_("placeholder", "config/db.ini", "[db]\npassword = password\n")
L_("placeholder", "infra/.env.template", "AWS_ACCESS_KEY_ID=your-access-key-id\nAWS_SECRET_ACCESS_KEY=your-secret-access-key\n")
L_("placeholder", "config/dev.env", "DATABASE_URL=postgres://user:password@localhost:5432/dev\n")
L_("placeholder", "src/db.js", "const uri = 'mongodb://<username>:<password>@cluster0.mongodb.net/test';\n")
L_("placeholder", "docs-site/snippets/pem.txt", "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n")
L_("placeholder", "config/null.yml", "database:\n  password: null\n  token: ~\n")
L_("placeholder", "config/redis.yml", "redis:\n  url: redis://localhost:6379/0\n")
L_("placeholder", "config/mail.properties", "mail.password=<mail-password>\n")
L_("placeholder", "terraform/variables.tf", 'variable "db_password" {\n  type      = string\n  sensitive = true\n  default   = "CHANGE_ME"\n}\n')

# environment and secret-store references
L_("env-ref", "config/application.yml", "spring:\n  datasource:\n    password: ${DB_PASSWORD}\n")
L_("env-ref", "scripts/run.sh", "#!/bin/sh\nDB_PASSWORD=$DB_PASSWORD_FROM_VAULT ./server\n")
L_("env-ref", "app/settings.py", "import os\nPASSWORD = os.environ[\"DB_PASSWORD\"]\nSECRET_KEY = os.getenv(\"SECRET_KEY\")\n")
L_("env-ref", "cmd/server/main.go", "package main\n\nimport \"os\"\n\nfunc main() {\n\tpassword := os.Getenv(\"DB_PASSWORD\")\n\t_ = password\n}\n")
L_("env-ref", "src/db.ts", "const password = process.env.DB_PASSWORD;\n")
L_("env-ref", "src/main/java/Conf.java", "class Conf {\n    String password = System.getenv(\"DB_PASSWORD\");\n}\n")
L_("env-ref", "charts/app/templates/secret.yaml", "stringData:\n  password: {{ .Values.db.password | quote }}\n")
L_("env-ref", "ansible/roles/db/defaults/main.yml", "db_password: \"{{ vault_db_password }}\"\n")
L_("env-ref", "ansible/group_vars/all/vault.yml", "db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  " + S.token_hex(32) + "\n")
L_("env-ref", "infra/db.tf", 'resource "aws_db_instance" "db" {\n  password = var.db_password\n}\n')
L_("env-ref", "infra/random.tf", 'resource "aws_db_instance" "db" {\n  password = random_password.db.result\n}\n')
L_("env-ref", "cloudformation/db.yaml", "Resources:\n  Db:\n    Properties:\n      MasterUserPassword: !Ref DbPassword\n")
L_("env-ref", "cloudformation/db2.yaml", "Resources:\n  Db:\n    Properties:\n      MasterUserPassword: '{{resolve:secretsmanager:prod/db:SecretString:password}}'\n")
L_("env-ref", "config/database.yml", "production:\n  password: <%= ENV['DB_PASSWORD'] %>\n")
L_("env-ref", ".env.ci", "DATABASE_URL=postgres://app:${DB_PASS}@db:5432/app\n")
L_("env-ref", "src/main/resources/application-prod.properties", "spring.datasource.password=${SPRING_DB_PASSWORD:}\n")
L_("env-ref", "k8s/deployment.yaml", "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-credentials\n        key: password\n")
L_("env-ref", "scripts/run.bat", "set PASSWORD=%DB_PASSWORD%\n")
L_("env-ref", ".github/workflows/ci.yml", "env:\n  DB_PASSWORD: ${{ secrets.DB_PASSWORD }}\n")
L_("env-ref", "docker-compose.prod.yml", "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n")
L_("env-ref", "config/ruby.rb", "config.password = ENV.fetch('SMTP_PASSWORD')\n")

# hashes and digests of public data, public keys and certificates
L_("hash", "release/SHA256SUMS", hashlib.sha256(b"custos-1.0.0.tar.gz").hexdigest() + "  custos-1.0.0.tar.gz\n")
L_("hash", "CHANGELOG.md", "## 1.2.0\n\n- fix rotation check (" + S.token_hex(20) + ")\n")
L_("hash", "Cargo.lock", '[[package]]\nname = "serde"\nversion = "1.0.197"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "' + S.token_hex(32) + '"\n')
L_("hash", "k8s/nginx.yaml", "containers:\n  - name: web\n    image: nginx@sha256:" + S.token_hex(32) + "\n")
L_("hash", "web/index.html", '<script src="https://cdn.acme-corp.net/app.js" integrity="sha384-' + b64(48) + '" crossorigin="anonymous"></script>\n')
L_("hash", "deps/versions.yaml", "terraform:\n  version: 1.7.5\n  sha256: " + S.token_hex(32) + "\n")
L_("hash", "ssh/id_ed25519.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + rnd(ALNUM + "+/", 43) + " deploy@ci\n")
L_("hash", "certs/ca.pem", "-----BEGIN CERTIFICATE-----\n" + "\n".join(b64(48) for _ in range(10)) + "\n-----END CERTIFICATE-----\n")
L_("hash", "certs/pub.pem", "-----BEGIN PUBLIC KEY-----\n" + "\n".join(b64(48) for _ in range(4)) + "\n-----END PUBLIC KEY-----\n")
L_("hash", ".gitmodules.lock", "vendor/lib " + S.token_hex(20) + "\n")
L_("hash", "api/etag.json", '{"etag": "' + S.token_hex(16) + '", "last_modified": "2024-01-01"}\n')
L_("hash", "build/manifest.yaml", "artifact:\n  name: api\n  commit: " + S.token_hex(20) + "\n  digest: sha256:" + S.token_hex(32) + "\n")
L_("hash", "pgp/release.asc", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n" + "\n".join(b64(48) for _ in range(8)) + "\n-----END PGP PUBLIC KEY BLOCK-----\n")
L_("hash", "scripts/verify.sh", "#!/bin/sh\necho \"" + hashlib.sha1(b"installer").hexdigest() + "  installer.sh\" | sha1sum -c -\n")

# identifiers that look random
L_("uuid", "config/tracing.yaml", "request_id: " + str(uuid.uuid4()) + "\n")
L_("uuid", "data/items.json", '[{"id": "' + str(uuid.uuid4()) + '", "name": "widget"}]\n')
L_("uuid", "infra/azure.tf", 'provider "azurerm" {\n  tenant_id       = "' + str(uuid.uuid4()) + '"\n  subscription_id = "' + str(uuid.uuid4()) + '"\n}\n')
L_("uuid", "config/azuread.yaml", "azure_ad:\n  client_id: " + str(uuid.uuid4()) + "\n")
L_("uuid", "src/App/App.csproj", "<Project>\n  <PropertyGroup>\n    <ProjectGuid>{" + str(uuid.uuid4()).upper() + "}</ProjectGuid>\n  </PropertyGroup>\n</Project>\n")
L_("uuid", "logs/sample.json", '{"correlationId": "' + str(uuid.uuid4()) + '", "level": "info"}\n')
L_("uuid", "config/feature-flags.yaml", "flags:\n  checkout_v2: " + str(uuid.uuid4()) + "\n")
L_("uuid", "db/migrations/001.sql", "INSERT INTO tenants (id, name) VALUES ('" + str(uuid.uuid4()) + "', 'acme');\n")

# example keys from vendor documentation
L_("vendor-example", "docs-site/aws.ini", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
L_("vendor-example", "config/aws-example.env", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
L_("vendor-example", "src/s3_client.py", "client = boto3.client('s3', aws_access_key_id='AKIAI44QH8DHBEXAMPLE', aws_secret_access_key='je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY')\n")
L_("vendor-example", "local/azurite.env", "AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\n")
L_("vendor-example", "web/auth.js", "// token from jwt.io\nconst sample = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';\n")
L_("vendor-example", "billing/stripe_test.rb", "Stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'\n")
L_("vendor-example", "bot/slack_config.yml", "slack:\n  token: xoxb-not-a-real-token-this-will-not-work\n")
L_("vendor-example", "scripts/gh.sh", "export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n")
L_("vendor-example", "docs-site/twilio.py", "account_sid = 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'\nauth_token = 'your_auth_token'\n")
L_("vendor-example", "infra/aws-sample.tf", 'provider "aws" {\n  access_key = "AKIAIOSFODNN7EXAMPLE"\n  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n}\n')
L_("vendor-example", "README.md", "Run the database locally:\n\n    docker run -e POSTGRES_PASSWORD=mysecretpassword -d postgres\n")
L_("vendor-example", "docs/configuration.md", "```yaml\ndatabase:\n  password: s3cr3t-example\n```\n")

# test fixtures
L_("fixture", "tests/test_auth.py", "def test_login(client):\n    resp = client.post('/login', data={'user': 'alice', 'password': 'hunter2'})\n    assert resp.status_code == 200\n")
L_("fixture", "internal/auth/login_test.go", "package auth\n\nfunc TestLogin(t *testing.T) {\n\tcfg := Config{Password: \"Passw0rd!\"}\n\t_ = cfg\n}\n")
L_("fixture", "src/__tests__/login.test.js", "it('logs in', () => {\n  login({ user: 'bob', password: 'test-pass-123' });\n});\n")
L_("fixture", "spec/fixtures/users.yml", "alice:\n  email: alice@example.com\n  password: fixturePw1\n")
L_("fixture", "testdata/config.yaml", "database:\n  password: testpass99\n")
L_("fixture", "src/test/resources/application-test.properties", "spring.datasource.password=h2TestPw\n")
L_("fixture", "mocks/credentials.json", '{"username": "mock", "password": "mockPassw0rd"}\n')
L_("fixture", "spec/models/user_spec.rb", "user = User.new(password: 'specSecret1')\n")

# code that names a password without containing one
L_("code-ref", "src/auth.py", "password = get_password()\nuser.password = hashed\n")
L_("code-ref", "src/session.py", "self.password = password\nconnect(host=host, password=password)\n")
L_("code-ref", "src/login.js", "if (password == null) { return; }\nconst password = req.body.password;\n")
L_("code-ref", "src/prompt.py", "password = input(\"Password: \")\n")
L_("code-ref", "src/forms.py", "PASSWORD_FIELD = \"password\"\n")
L_("code-ref", "locales/en.json", '{\n  "password": "Password",\n  "passwordHint": "At least 12 characters"\n}\n')
L_("code-ref", "templates/login.html", '<input type="password" name="password" placeholder="Password">\n')
L_("code-ref", "config/policy.yaml", "password_min_length: 12\npassword_max_age_days: 90\ntoken_type: Bearer\n")
L_("code-ref", "k8s/ingress.yaml", "tls:\n  - hosts: [api.acme-corp.net]\n    secretName: api-tls\n")
L_("code-ref", "src/fetch.js", "fetch(url, { credentials: 'include' });\n")
L_("code-ref", "config/gateway.yaml", "api_key_header: X-API-Key\ntoken_url: https://auth.acme-corp.net/oauth/token\n")
L_("code-ref", "src/validate.go", "package validate\n\nvar passwordRegex = regexp.MustCompile(\"^[a-zA-Z0-9]{12,}$\")\n")
L_("code-ref", "src/Auth.java", "String password = request.getParameter(\"password\");\n")
L_("code-ref", "src/hash.py", "password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt())\n")
L_("code-ref", "config/sshd_config", "PasswordAuthentication no\nPermitRootLogin no\n")
L_("code-ref", "src/keys.ts", "const publicKey = '" + b64(32) + "';\n")


# ---------------------------------------------------------------- batch 2
# Written after the rules, to measure them on shapes they were not written against.
S_("password", "services/auth/.env", "JWT_SECRET=" + S.token_hex(32) + "\n")
S_("cloud", "config/oauth.yaml", "google:\n  client_id: 1234-abc.apps.googleusercontent.com\n  client_secret: \"GOCSPX-" + rnd(ALNUM + "_-", 28) + "\"\n")
S_("password", ".vscode/settings.json", '{\n  "sqltools.connections": [{"server": "db", "password": "VsC0de!Db"}]\n}\n')
S_("password", "app/src/main/kotlin/Db.kt", "object Db {\n    val dbPassword = \"K0tlinPw!\"\n}\n")
S_("token", "App/Config.swift", "let apiKey = \"sw1ftK3yValue99\"\n")
S_("password", "deploy/setup.ps1", "$securePassword = ConvertTo-SecureString \"PsPlain#Pw1\" -AsPlainText -Force\n")
S_("password", "tools/report.py", "resp = requests.get(url, auth=('admin', 'ReqAuthPw9'))\n")
S_("uri", "cmd/migrate/main.go", "package main\n\nfunc main() {\n\tdb, _ := sql.Open(\"postgres\", \"host=db user=app password=GoDsnPw7 dbname=app sslmode=disable\")\n\t_ = db\n}\n")
S_("password", "src/main/resources/applicationContext.xml", '<bean id="ds" class="org.apache.commons.dbcp2.BasicDataSource">\n  <property name="username" value="app"/>\n  <property name="password" value="SpringXmlPw1"/>\n</bean>\n')
S_("password", "inventory/hosts", "[web]\nweb1 ansible_host=10.0.0.5 ansible_user=deploy ansible_password=InvPass#22\n")
S_("token", "nginx/conf.d/upstream.conf", "location / {\n  proxy_set_header Authorization \"Basic " + base64.b64encode(b"admin:ngxUpstreamPw1").decode() + "\";\n}\n")
S_("password", "infra/variables.tf", 'variable "db_password" {\n  type    = string\n  default = "TfDefaultPw1"\n}\n')
S_("password", "Makefile", "DB_USER ?= app\nDB_PASS ?= makePw123\n")
S_("password", "compose.yaml", "services:\n  cache:\n    image: redis:7\n    command: redis-server --requirepass C0mposeRedis\n")
S_("password", "config/db.json", '{"db": {"host": "db", "pass": "JsonPassPw"}}\n')
S_("password", "config/legacy.yaml", "passwd: yamlPasswd1\n")
S_("private-key", "infra/bastion.tf", 'resource "tls_private_key" "x" {}\nlocals {\n  key = <<EOT\n' + ssh_key("ed25519") + 'EOT\n}\n')
S_("private-key", "keys/win_rsa.pem", openssl("genrsa", "-traditional", "1024").replace("\n", "\r\n"))
S_("token", "ops/alerts.py", "WEBHOOK = 'https://hooks.slack.com/services/T" + rnd(string.ascii_uppercase + string.digits, 10) + "/B" + rnd(string.ascii_uppercase + string.digits, 10) + "/" + rnd(ALNUM, 24) + "'\n")
S_("token", "sms/send.rb", "client = Twilio::REST::Client.new('AC" + S.token_hex(16) + "', 'SK" + S.token_hex(16) + "')\n")
S_("cloud", "home/.s3cfg", "[default]\naccess_key = " + aws_id() + "\nsecret_key = " + aws_secret() + "\n")
S_("password", "home/.config/rclone/rclone.conf", "[remote]\ntype = sftp\nhost = files.acme-corp.net\nuser = backup\npass = " + rnd(ALNUM + "-_", 40) + "\n")
S_("password", "wordpress/wp-config.php", "<?php\ndefine('AUTH_KEY', '" + rnd(ALNUM + "!@#%^&*()-_[]{}<>~+=,.;:/?|", 64).replace("'", "x") + "');\n")
S_("password", "laravel/.env", "APP_NAME=Shop\nAPP_KEY=base64:" + b64(32) + "\n")
S_("token", "config/master.key", S.token_hex(16) + "\n")
S_("uri", "home/.git-credentials", "https://deploy-bot:" + "ghp_" + rnd(ALNUM, 36) + "@github.com\n")
S_("password", "db/init.sql", "CREATE USER app WITH PASSWORD 'SqlCr3ate!';\n")
S_("password", "db/oracle.sql", "ALTER USER reporting IDENTIFIED BY \"OraRep0rt#1\";\n")
S_("password", "src/Mail/Smtp.cs", "client.Credentials = new NetworkCredential(\"mailer\", \"NetCredPw1\");\n")
S_("password", "src/Db.php", "<?php\n$pdo = new PDO($dsn, 'root', 'PdoPw#123');\n")

L_("env-ref", "ansible/roles/app/vars/main.yml", "db_password: \"{{ lookup('env', 'DB_PASSWORD') }}\"\n")
L_("env-ref", "src/main/resources/application.yml", "spring:\n  datasource:\n    password: ENC(" + b64(24) + ")\n")
L_("env-ref", "homeassistant/configuration.yaml", "weather:\n  api_key: !secret weather_key\n")
L_("env-ref", "config/app.json", '{"password": "$PASSWORD"}\n')
L_("env-ref", "templates/config.yml.erb", "token: \"<%= @token %>\"\n")
L_("placeholder", "config/local.ini", "[auth]\npassword = \"<REPLACE>\"\n")
L_("env-ref", "docker-compose.dev.yml", "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD:-postgres}\n")
L_("env-ref", "config/secrets.yml", "production:\n  secret_key_base: <%= ENV[\"SECRET_KEY_BASE\"] %>\n")
L_("placeholder", "config/keys.yaml", "api:\n  password: 'xxxxxxxx'\n")
L_("placeholder", "config/zero.yaml", "token: \"0000000000000000\"\n")
L_("hash", "data/checksums.json", '{"file": "hello.txt", "hash": "' + hashlib.md5(b"hello").hexdigest() + '"}\n')
L_("hash", "package.json", '{"name": "web", "version": "1.2.3-beta.4+' + S.token_hex(3) + '"}\n')
L_("hash", "web/styles.css", ".logo { background: url(data:image/png;base64," + b64(90) + "); }\n")
L_("code-ref", "app/models/session.rb", "session_secret = SecureRandom.hex(64)\n")
L_("code-ref", "src/api.ts", "let token = await getToken();\n")
L_("code-ref", "src/headers.js", "const API_KEY_NAME = \"x-api-key\";\n")
L_("code-ref", "k8s/pod.yaml", "spec:\n  imagePullSecrets:\n    - name: regcred\n")
L_("placeholder", "config/keystore.yml", "keystore:\n  password: \"changeit\"\n")
L_("code-ref", "locales/de.yml", "de:\n  password: Passwort\n  password_confirmation: Passwort bestätigen\n")
L_("env-ref", "k8s/job.yaml", "args: [\"--token\", \"$(cat /var/run/secrets/token)\"]\ntoken: $(cat /var/run/secrets/token)\n")
L_("code-ref", "src/format.py", "password = \"%s\"\n")
L_("env-ref", "config/remote.yaml", "url: \"https://${USER}:${PASS}@git.acme-corp.net/repo.git\"\n")
L_("code-ref", ".gitmodules", "[submodule \"lib\"]\n\tpath = lib\n\turl = git@github.com:acme/lib.git\n")
L_("code-ref", "config/mirrors.yaml", "mirror: ssh://git@github.com/acme/api.git\n")
L_("code-ref", "config/routes.yaml", "login: http://localhost:3000/login?next=/dashboard\n")
L_("code-ref", "schema/db.yaml", "password:\n  description: Password for the database user\n  type: string\n")
L_("code-ref", "openapi.yaml", "components:\n  schemas:\n    Login:\n      properties:\n        password: {type: string, format: password}\n")
L_("code-ref", "config/security.env", "PASSWORD_HASH_ALGORITHM=argon2id\n")
L_("code-ref", "src/crypto.go", "package crypto\n\nconst tokenLength = 32\nvar secretKeyEnv = \"APP_SECRET_KEY\"\n")
L_("uuid", "config/app.yaml", "instance_id: " + str(uuid.uuid4()) + "\nsession_id_header: X-Session-Id\n")

def emit(name, prefix, items):
    with open(os.path.join(OUT, name), "w") as f:
        f.write(f"# {name}: labelled samples for the repository scanner's recall/precision test.\n")
        f.write("# Each sample starts with '=== <id> kind=<kind> path=<path>' and ends before the next one.\n")
        f.write("# Values are random fakes with real shapes; none is a live credential.\n")
        for i, (kind, path, body) in enumerate(items, 1):
            f.write(f"=== {prefix}{i:03d} kind={kind} path={path}\n")
            f.write(body if body.endswith("\n") else body + "\n")


emit("secrets.txt", "S", secrets)
emit("lookalikes.txt", "L", lookalikes)
print(len(secrets), "secrets,", len(lookalikes), "look-alikes")
