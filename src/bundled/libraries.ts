// The third-party libraries each FunctionGraph Python runtime's image carries, with their exact
// versions, as the cloud publishes them (docs/build.md, "Bundled libraries"). Source: the OTC
// FunctionGraph Python runtime documentation, "Bundled third-party components"
// (https://docs.otc.t-systems.com/function-graph/), captured by deploying a function per runtime;
// interpreter versions: Huawei FunctionGraph FAQ functiongraph_03_0856. pip, setuptools and wheel
// (the image's tools) are listed there too and left out here: they are the interpreter's own.
import type { RuntimeId } from '../runtimes/index.js';

export interface BundledLibrary {
  /** The distribution name pip installs. */
  name: string;
  version: string;
  /** The modules it provides (dotted paths; the first segment is what an import names). */
  imports: readonly string[];
}

export interface BundledRuntime {
  /** The interpreter version the cloud runs, or null when it is not published. */
  cloudPython: string | null;
  libraries: readonly BundledLibrary[];
}

/** Where the lists come from (shown by `fgrun runtimes --verbose` and docs/build.md). */
export const BUNDLED_SOURCE = 'OTC FunctionGraph Python runtime documentation, "Bundled third-party components"';

// One library: its import names default to the distribution name with - as _.
const lib = (name: string, version: string, imports: readonly string[] = [name.toLowerCase().replace(/-/g, '_')]): BundledLibrary => ({ name, version, imports });

// Python3.9's and Python3.10's lists are the same.
const PY39_PY310: readonly BundledLibrary[] = [
  lib('certifi', '2024.7.4'),
  lib('chardet', '3.0.4'),
  lib('cloudpickle', '1.6.0'),
  lib('httplib2', '0.18.1'),
  lib('huaweicloudsdkcore', '3.1.111'),
  lib('huaweicloudsdksmn', '3.0.50'),
  lib('idna', '2.10'),
  lib('numpy', '1.24.2'),
  lib('obssdk', '3.0.3', ['obs']),
  lib('protobuf', '3.17.3', ['google.protobuf']),
  lib('pyasn1', '0.6.0'),
  lib('python-dateutil', '2.8.1', ['dateutil']),
  lib('pyyaml', '6.0.2', ['yaml']),
  lib('redis', '3.5.3'),
  lib('requests', '2.24.0'),
  lib('requests-futures', '1.0.0', ['requests_futures']),
  lib('requests-toolbelt', '1.0.0', ['requests_toolbelt']),
  lib('simplejson', '3.19.3'),
  lib('six', '1.16.0'),
  lib('typing-extensions', '4.12.2', ['typing_extensions']),
  lib('urllib3', '1.25.11'),
];

export const BUNDLED: Record<RuntimeId, BundledRuntime> = {
  'Python2.7': {
    cloudPython: '2.7.15',
    libraries: [
      lib('backports.ssl-match-hostname', '3.7.0.1', ['backports.ssl_match_hostname']),
      lib('certifi', '2021.10.8'),
      lib('chardet', '3.0.4'),
      lib('configparser', '4.0.2'),
      lib('futures', '3.3.0', ['concurrent.futures']),
      lib('httplib2', '0.18.1'),
      lib('huaweicloudsdkcore', '3.1.111'),
      lib('huaweicloudsdksmn', '3.0.50'),
      lib('idna', '2.10'),
      lib('kazoo', '2.10.0'),
      lib('numpy', '1.16.6'),
      lib('obssdk', '3.0.3', ['obs']),
      lib('protobuf', '3.17.3', ['google.protobuf']),
      lib('pyasn1', '0.5.1'),
      lib('python-dateutil', '2.8.1', ['dateutil']),
      lib('pyyaml', '5.4.1', ['yaml']),
      lib('redis', '3.5.3'),
      lib('requests', '2.24.0'),
      lib('requests-futures', '1.0.0', ['requests_futures']),
      lib('requests-toolbelt', '1.0.0', ['requests_toolbelt']),
      lib('simplejson', '3.19.3'),
      lib('six', '1.16.0'),
      lib('tornado', '4.1'),
      lib('typing', '3.10.0.0'),
      lib('typing-extensions', '3.10.0.2', ['typing_extensions']),
      lib('urllib3', '1.25.11'),
      lib('wsgiref', '0.1.2'),
    ],
  },
  'Python3.6': {
    cloudPython: '3.6.8',
    libraries: [
      lib('certifi', '2024.7.4'),
      lib('chardet', '3.0.4'),
      lib('cloudpickle', '1.6.0'),
      lib('httplib2', '0.18.1'),
      lib('huaweicloudsdkcore', '3.1.111'),
      lib('huaweicloudsdksmn', '3.0.50'),
      lib('idna', '2.10'),
      lib('numpy', '1.18.5'),
      lib('obssdk', '3.0.3', ['obs']),
      lib('protobuf', '3.17.3', ['google.protobuf']),
      lib('pyasn1', '0.5.1'),
      lib('python-dateutil', '2.8.1', ['dateutil']),
      lib('pyyaml', '6.0.1', ['yaml']),
      lib('redis', '3.5.3'),
      lib('requests', '2.24.0'),
      lib('requests-futures', '1.0.0', ['requests_futures']),
      lib('requests-toolbelt', '1.0.0', ['requests_toolbelt']),
      lib('simplejson', '3.19.3'),
      lib('six', '1.16.0'),
      lib('typing-extensions', '4.1.1', ['typing_extensions']),
      lib('urllib3', '1.25.11'),
    ],
  },
  'Python3.9': { cloudPython: '3.9.2', libraries: PY39_PY310 },
  // The same libraries and versions as Python3.9 (only pip and setuptools differ).
  'Python3.10': { cloudPython: null, libraries: PY39_PY310 },
  'Python3.12': {
    cloudPython: null,
    libraries: [
      lib('autocommand', '2.2.2'),
      lib('backports.tarfile', '1.2.0', ['backports.tarfile']),
      lib('certifi', '2024.7.4'),
      lib('chardet', '3.0.4'),
      lib('cloudpickle', '1.6.0'),
      lib('httplib2', '0.18.1'),
      lib('huaweicloudsdkcore', '3.1.111'),
      lib('huaweicloudsdksmn', '3.0.50'),
      lib('idna', '2.10'),
      lib('importlib-metadata', '8.0.0', ['importlib_metadata']),
      lib('importlib-resources', '6.4.0', ['importlib_resources']),
      lib('inflect', '7.3.1'),
      lib('jaraco.context', '5.3.0', ['jaraco.context']),
      lib('jaraco.functools', '4.0.1', ['jaraco.functools']),
      lib('jaraco.text', '3.12.1', ['jaraco.text']),
      lib('more-itertools', '10.3.0', ['more_itertools']),
      lib('numpy', '2.0.1'),
      lib('obssdk', '3.0.3', ['obs']),
      lib('packaging', '24.1'),
      lib('platformdirs', '4.2.2'),
      lib('protobuf', '3.17.3', ['google.protobuf']),
      lib('pyasn1', '0.6.0'),
      lib('python-dateutil', '2.8.1', ['dateutil']),
      lib('pyyaml', '6.0.2', ['yaml']),
      lib('redis', '3.5.3'),
      lib('requests', '2.24.0'),
      lib('requests-futures', '1.0.0', ['requests_futures']),
      lib('requests-toolbelt', '1.0.0', ['requests_toolbelt']),
      lib('simplejson', '3.19.3'),
      lib('six', '1.16.0'),
      lib('tomli', '2.0.1'),
      lib('typeguard', '4.3.0'),
      lib('typing-extensions', '4.12.2', ['typing_extensions']),
      lib('urllib3', '1.25.11'),
      lib('zipp', '3.19.2'),
    ],
  },
};
